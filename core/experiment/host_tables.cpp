#include "experiment/host_tables.h"

namespace optbench::core {

namespace {

ParamSpec spec(const std::string& name, Value default_value, const std::string& doc,
               Bounds bounds = any_value, std::vector<std::string> choices = {}) {
  ParamSpec s;
  s.name = name;
  s.type = type_of(default_value);
  s.default_value = std::move(default_value);
  s.doc = doc;
  s.bounds = bounds;
  s.choices = std::move(choices);
  return s;
}

Schema make_training_schema() {
  Schema s;
  s.add(spec("epochs", std::int64_t{10}, "training epochs", at_least_one));
  s.add(spec("batch_size", std::int64_t{128}, "training batch size", at_least_one));
  // Evaluation needs no gradients, but a language model's logits (batch x context x vocabulary)
  // dominate its memory either way: by default evaluate at the training batch size.
  s.add(spec("eval_batch_size", std::int64_t{0}, "batch size for validation and test; 0 = batch_size",
             non_negative));
  s.add(spec("seeds", std::vector<std::int64_t>{42}, "one run per seed and optimizer", non_negative));
  s.add(spec("threads", std::int64_t{0}, "intra-op threads; 0 = one per core", non_negative));
  s.add(spec("device", std::string("cpu"), "cpu, or cuda when LibTorch was built with it", any_value,
             {"cpu", "cuda"}));
  s.add(spec("num_workers", std::int64_t{2}, "threads preparing batches ahead of the training step",
             non_negative));
  s.add(spec("log_every_steps", std::int64_t{50}, "metrics.jsonl gets a training line every N steps",
             at_least_one));
  s.add(spec("checkpoint_every_steps", std::int64_t{0},
             "also checkpoint every N steps within an epoch (a resumed run goes on from there); 0 = at each "
             "epoch's end only", non_negative));
  s.add(spec("scheduler", std::string("none"), "learning-rate schedule (default: the task's)",
             any_value, {"cosine", "plateau", "none"}));
  s.add(spec("warmup_epochs", 0.0, "linear warm-up length in epochs (default: the task's)",
             non_negative));
  s.add(spec("early_stopping_patience", std::int64_t{0},
             "epochs without validation improvement before stopping; <= 0 disables (default: the task's)"));
  s.add(spec("max_grad_norm", 0.0, "clip the global gradient norm; 0 disables (default: the task's)",
             non_negative));
  s.add(spec("label_smoothing", 0.0, "label smoothing (default: the task's)", unit_right_open));
  s.add(spec("exclude_from_weight_decay", std::vector<std::string>{},
             "no weight decay for these parameters: \"bias\", \"norm\" (normalisation layers), "
             "or any substring of a parameter name"));
  s.add(spec("precision", std::string("fp32"),
             "fp32 (IEEE everywhere), tf32 (CUDA matmuls and convolutions in TF32), or bf16 (forward passes "
             "under autocast to bfloat16; losses and reductions stay fp32)", any_value, {"fp32", "tf32", "bf16"}));
  s.add(spec("channels_last", false, "convolution weights and image batches stored channels-last (NHWC)"));
  s.add(spec("cudnn_benchmark", false, "let cuDNN time its convolution algorithms and keep the fastest"));
  s.add(spec("deterministic", false,
             "deterministic algorithms only (an operator without one stops the run with an error), "
             "deterministic cuDNN, a fixed cuBLAS workspace: the same seed gives the same numbers on one GPU"));
  return s;
}

Schema make_dataset_host_schema() {
  Schema s;
  s.add(spec("max_samples", std::int64_t{0}, "cap on the samples of every split; 0 = all", non_negative));
  s.add(spec("validation_fraction", 0.1,
             "share of the training split held out for validation when the dataset ships none",
             unit_right_open));
  return s;
}

Schema make_analysis_schema() {
  Schema s;
  s.add(spec("loss_thresholds", std::vector<double>{},
             "training losses to reach: the report gives steps and seconds to each"));
  s.add(spec("metric_thresholds", std::vector<double>{},
             "validation values of the task's primary metric to reach: steps and seconds to each"));
  s.add(spec("good_region", 0.05,
             "sensitivity: a sweep point is good within this fraction of the best final metric",
             unit_open));
  s.add(spec("train_metrics", true,
             "evaluate a fixed training subset (the validation split's size) every epoch, for the "
             "generalisation gap"));
  s.add(spec("hessian_top_k", std::int64_t{0},
             "top eigenvalues of the training-loss Hessian at the best checkpoint, by power iteration; 0 = off",
             non_negative));
  s.add(spec("hessian_batches", std::int64_t{4}, "the Hessian of the mean loss over the first N training batches",
             at_least_one));
  s.add(spec("hessian_iterations", std::int64_t{50}, "power iterations at most, per eigenvalue", at_least_one));
  s.add(spec("cka_samples", std::int64_t{0},
             "linear CKA between the optimizers' best models on the first N validation samples; 0 = off",
             non_negative));
  return s;
}

}  // namespace

const Schema& training_schema() {
  static const Schema schema = make_training_schema();
  return schema;
}

const Schema& analysis_schema() {
  static const Schema schema = make_analysis_schema();
  return schema;
}

const Schema& dataset_host_schema() {
  static const Schema schema = make_dataset_host_schema();
  return schema;
}

}  // namespace optbench::core
