// A catalog of a few components with the schemas plugins would declare, for testing (and
// fuzzing) the experiment validator without loading any plugin.
#pragma once

#include <map>
#include <memory>
#include <utility>

#include "common/catalog.h"

namespace optbench::core {

inline ParamSpec param(const std::string& name, Value v, Bounds bounds = any_value) {
  ParamSpec s;
  s.name = name;
  s.type = type_of(v);
  s.default_value = std::move(v);
  s.bounds = bounds;
  s.doc = name;
  return s;
}

// The schemas of a few components, as plugins would declare them.
class FakeCatalog : public Catalog {
 public:
  FakeCatalog() {
    Schema adam;
    adam.add(param("lr", 1e-3, non_negative));
    ParamSpec betas = param("betas", std::vector<double>{0.9, 0.999}, unit_right_open);
    betas.length = 2;
    adam.add(betas);
    adam.add(param("weight_decay", 0.0, non_negative));
    adam.add(param("amsgrad", false));
    Schema sgd;
    ParamSpec lr = param("lr", 0.0, non_negative);
    lr.default_value.reset();
    lr.suite_default = 0.05;
    sgd.add(lr);
    ParamSpec wd = param("weight_decay", 0.0, non_negative);
    wd.suite_default = 5e-4;
    sgd.add(wd);
    Schema dataset;
    dataset.add(param("root", std::string("/data")));
    Schema model;
    model.add(param("hidden", std::int64_t{128}, at_least_one));
    add(Kind::kOptimizer, "adam", adam);
    add(Kind::kOptimizer, "sgd", sgd);
    add(Kind::kDataset, "fashion_mnist", dataset);
    add(Kind::kModel, "cnn_scratch", model);
    add(Kind::kTask, "image_classification", Schema{});
  }
  const CatalogEntry* find(Kind kind, const std::string& name) const override {
    auto it = entries_.find({kind, name});
    return it == entries_.end() ? nullptr : &it->second;
  }
  std::vector<std::string> names(Kind kind) const override {
    std::vector<std::string> out;
    for (const auto& [key, e] : entries_)
      if (key.first == kind) out.push_back(key.second);
    return out;
  }

 private:
  void add(Kind kind, const std::string& name, Schema schema) {
    schemas_.push_back(std::make_unique<Schema>(std::move(schema)));
    entries_[{kind, name}] = CatalogEntry{kind, name, name, schemas_.back().get(), "fake", "1", "fake.so"};
  }
  std::vector<std::unique_ptr<Schema>> schemas_;
  std::map<std::pair<Kind, std::string>, CatalogEntry> entries_;
};

}  // namespace optbench::core
