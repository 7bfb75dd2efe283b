#pragma once

#include <optbench/data.h>

namespace optbench {
inline namespace v1 {

using Outputs = std::map<std::string, torch::Tensor>;

// A model is a torch::nn::Module whose forward reads what it needs from the batch
// (e.g. "image") and returns named outputs (e.g. "logits"). Outputs named "layer:NAME" are hidden
// representations (per example first), which analyses such as CKA compare across optimizers;
// they cost nothing extra when they are tensors the forward computes anyway. Its factory throws
// std::invalid_argument saying why when the DataSpec does not fit it.
class Model : public torch::nn::Module {
 public:
  virtual Outputs forward(const Batch& batch) = 0;
  // One line for details.txt (architecture and size-relevant settings).
  virtual std::string description() const = 0;
  // The qualified names of the output layer's parameters ("fc.weight", "fc.bias"; with the output
  // tied to the token embedding, "wte.weight"), which optimizers see as ParamRole::output_layer.
  // Empty: the parameters of the last registered module that holds a matrix.
  virtual std::vector<std::string> output_parameters() const { return {}; }
};

}  // namespace v1
}  // namespace optbench
