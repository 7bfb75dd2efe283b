// Datasets hand the trainer whole batches: a split is decoded once into
// contiguous tensors and a batch is a gather of rows (DESIGN: performance intent).
#pragma once

#include <torch/torch.h>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace optbench {
inline namespace v1 {

// Named tensors (e.g. "image" uint8 [B,C,H,W], "label" int64 [B]) plus any raw
// references metrics need (e.g. reference strings), keyed by name.
struct Batch {
  std::map<std::string, torch::Tensor> tensors;
  std::map<std::string, std::vector<std::string>> texts;
  std::int64_t size = 0;

  const torch::Tensor& at(const std::string& name) const {
    auto it = tensors.find(name);
    if (it == tensors.end()) throw std::runtime_error("batch has no tensor named '" + name + "'");
    return it->second;
  }
  Batch to(const torch::Device& device) const {
    Batch out = *this;
    for (auto& [name, t] : out.tensors) t = t.to(device, /*non_blocking=*/true);
    return out;
  }
};

// What models and tasks need to know about the data.
struct DataSpec {
  std::string modality;                   // "image", "text", ...
  std::int64_t num_classes = 0;           // classification targets
  std::vector<std::int64_t> input_shape;  // per sample, e.g. {C, H, W}
  std::vector<double> mean, std;          // per-channel normalisation statistics
  // Text: token id i is vocabulary[i] (the host saves it with each run as vocab.txt);
  // pad_id marks padding that losses and metrics ignore (-1: no padding).
  std::vector<std::string> vocabulary;
  std::int64_t pad_id = -1;
  std::map<std::string, std::string> attributes;  // free-form hints, e.g. "augment" = "rotate"

  // attributes["target"], what each sample maps to ("label", "mask", "next_token", "sequence",
  // "span", "tags"), or "" when the dataset sets none.
  std::string target() const {
    auto it = attributes.find("target");
    return it == attributes.end() ? std::string() : it->second;
  }
  // The id of `token` in `vocabulary`; std::invalid_argument naming `who` when it is not there.
  std::int64_t token_id(const std::string& token, const std::string& who) const {
    for (std::size_t i = 0; i < vocabulary.size(); ++i)
      if (vocabulary[i] == token) return static_cast<std::int64_t>(i);
    throw std::invalid_argument(who + " needs the token " + token + " in the dataset's vocabulary");
  }
};

class Dataset {
 public:
  virtual ~Dataset() = default;
  virtual DataSpec spec() const = 0;
  // Split names this dataset ships, e.g. {"train", "test"}; the host carves a
  // validation split from "train" when none is shipped.
  virtual std::vector<std::string> splits() const = 0;
  virtual std::int64_t size(const std::string& split) const = 0;
  // Rows `indices` (int64, CPU) of `split`. Must be safe to call from several threads.
  virtual Batch batch(const std::string& split, const torch::Tensor& indices) const = 0;
  // One paragraph for details.txt: files read, sizes, preprocessing.
  virtual std::string description() const = 0;
};

}  // namespace v1
}  // namespace optbench
