// Metric accumulators several tasks share. They accumulate on the device (no host
// sync per batch) and read the totals once, in compute().
#pragma once

#include <optbench/task.h>

namespace optbench {
inline namespace v1 {

// Top-1 accuracy of outputs["logits"] [B, C] against batch["label"] [B].
class AccuracyAccumulator final : public MetricAccumulator {
 public:
  void update(const Outputs& outputs, const Batch& batch) override {
    auto correct = (outputs.at("logits").argmax(1) == batch.at("label")).sum();
    correct_ = correct_.defined() ? correct_ + correct : correct;
    total_ += batch.size;
  }
  std::map<std::string, double> compute() const override {
    const double correct = correct_.defined() ? correct_.item<double>() : 0.0;
    return {{"accuracy", total_ ? correct / static_cast<double>(total_) : 0.0}};
  }

 private:
  torch::Tensor correct_;
  std::int64_t total_ = 0;
};

}  // namespace v1
}  // namespace optbench
