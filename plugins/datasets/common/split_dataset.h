// What every split dataset shares (text and segmentation): named splits (each knows its size() and its origin,
// the files it came from), the DataSpec and the description. Subclasses build batches.
#pragma once

#include <optbench/data.h>

#include <map>
#include <string>

namespace optbench::datasets {

template <class Split>
class SplitDataset : public optbench::Dataset {
 public:
  // `unit` names what a sample is in the description: "sentences", "pairs", ...
  SplitDataset(std::string description, optbench::DataSpec spec, std::map<std::string, Split> splits, std::string unit)
      : description_(std::move(description)), spec_(std::move(spec)), splits_(std::move(splits)), unit_(std::move(unit)) {}

  optbench::DataSpec spec() const override { return spec_; }
  std::vector<std::string> splits() const override {
    std::vector<std::string> names;
    for (const auto& [name, split] : splits_) names.push_back(name);
    return names;
  }
  std::int64_t size(const std::string& split) const override { return get(split).size(); }
  std::string description() const override {
    std::string out = description_;
    for (const auto& [name, s] : splits_) out += "\n  " + name + ": " + std::to_string(s.size()) + " " + unit_ + " from " + s.origin;
    return out;
  }

 protected:
  const Split& get(const std::string& split) const {
    auto it = splits_.find(split);
    if (it == splits_.end()) throw std::invalid_argument("no split '" + split + "'");
    return it->second;
  }
  const optbench::DataSpec& data_spec() const { return spec_; }

 private:
  std::string description_;
  optbench::DataSpec spec_;
  std::map<std::string, Split> splits_;
  std::string unit_;
};

}  // namespace optbench::datasets
