#pragma once

#include <optbench/model.h>

#include <memory>

namespace optbench {
inline namespace v1 {

// A task's default training policy; the experiment file may override every field.
struct TrainingPolicy {
  std::string scheduler = "none";        // "cosine", "plateau" or "none"
  double warmup_epochs = 0.0;            // linear warm-up before the schedule
  std::int64_t early_stopping_patience = 0;  // epochs without improvement; <= 0 disables
  double max_grad_norm = 0.0;            // global-norm clipping; <= 0 disables
  double label_smoothing = 0.0;
};

// Accumulates over a whole split, then finalises (e.g. accuracy = correct / total).
class MetricAccumulator {
 public:
  virtual ~MetricAccumulator() = default;
  virtual void update(const Outputs& outputs, const Batch& batch) = 0;
  virtual std::map<std::string, double> compute() const = 0;
};

// Built for one dataset (its DataSpec): the factory throws std::invalid_argument
// saying why when the data cannot serve the task, so that the host refuses the
// combination at assembly time.
class Task {
 public:
  virtual ~Task() = default;
  virtual TrainingPolicy default_policy() const = 0;
  virtual std::string primary_metric() const = 0;
  virtual bool higher_is_better() const = 0;
  // Turns a raw batch (already on the training device) into model inputs:
  // normalisation, and augmentation when `training` (random numbers from `generator`).
  virtual void prepare(Batch& batch, bool training, torch::Generator& generator) const = 0;
  virtual torch::Tensor loss(const Outputs& outputs, const Batch& batch,
                             const TrainingPolicy& policy) const = 0;
  virtual std::unique_ptr<MetricAccumulator> metrics() const = 0;
  // One paragraph for details.txt: preprocessing, augmentation, loss, metrics.
  virtual std::string description() const = 0;
  // What evaluation computes the loss and metrics from (under NoGradGuard): the model's
  // forward pass, plus whatever the task derives, e.g. sequences decoded by beam search.
  virtual Outputs evaluate(Model& model, const Batch& batch) const { return model.forward(batch); }
};

}  // namespace v1
}  // namespace optbench
