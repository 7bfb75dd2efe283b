#include "training/trainer.h"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <sstream>

#include "common/diagnostics.h"
#include "common/progress.h"
#include "results/atomic_file.h"
#include "results/tensorboard.h"
#include "training/batch_norm_statistics.h"
#include "training/checkpoint.h"
#include "training/collectives.h"
#include "training/device.h"
#include "training/gradient_clipping.h"
#include "training/hessian.h"
#include "training/lr_schedule.h"
#include "training/precision.h"
#include "training/run_details.h"
#include "training/step_timer.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

namespace optbench::core {

json to_json(const Value& v) {
  return std::visit([](const auto& x) -> json {
    if constexpr (std::is_same_v<std::decay_t<decltype(x)>, ComponentRef>) {
      json out = x.params ? to_json(*x.params) : json::object();  // SAM's base: its name and parameters
      out["name"] = x.name;
      return out;
    } else {
      return json(x);
    }
  }, v);
}

json to_json(const Params& p) {
  json out = json::object();
  for (const auto& [name, v] : p.values()) out[name] = to_json(v);
  return out;
}

void add_device_memory(json& s, const torch::Device& device) {
  if (const auto m = peak_memory(device)) {
    s["peak_gpu_allocated_mb"] = m->peak_allocated_mb;
    s["peak_gpu_reserved_mb"] = m->peak_reserved_mb;
    s["gpu_total_mb"] = m->total_mb;
  }
}

namespace {

double unix_seconds() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// The run's hyperparameters for TensorBoard: optimizer, seed, and the optimizer's numbers and words.
std::map<std::string, HParamValue> hparams_of(const RunSpec& spec, const json& params) {
  std::map<std::string, HParamValue> out{{"optimizer", spec.optimizer->name}, {"seed", double(spec.seed)}};
  for (const auto& [k, v] : params.items()) {
    if (v.is_number()) out[k] = v.get<double>();
    if (v.is_boolean()) out[k] = v.get<bool>();
    if (v.is_string()) out[k] = v.get<std::string>();
  }
  return out;
}

void epoch_events(EventWriter& events, const json& line) {
  const std::int64_t step = line["step"];
  const double now = unix_seconds();
  events.scalar("epoch/train_loss", line["train_loss"], step, now);
  events.scalar("epoch/seconds", line["epoch_seconds"], step, now);
  for (const char* split : {"validation", "train"})
    if (line.contains(split))
      for (const auto& [k, v] : line[split].items())
        if (v.is_number()) events.scalar(std::string(split == std::string("train") ? "train_subset" : split) + "/" + k, v, step, now);
}

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Each rank's gradients and loss are means over its slice of the batch; weighted by the slice's
// share and summed across ranks (bucketed allreduce), they are the means over the whole batch.
torch::Tensor average_over_ranks(Collectives& dp, const std::vector<torch::Tensor>& params, const torch::Tensor& loss,
                                 double share) {
  torch::NoGradGuard no_grad;
  std::vector<torch::Tensor> reduced;
  for (const auto& p : params) {
    if (!p.grad().defined()) p.mutable_grad() = torch::zeros_like(p);  // a rank with an empty slice
    p.mutable_grad().mul_(share);
    reduced.push_back(p.grad());
  }
  torch::Tensor total = loss.defined() ? loss.detach().to(torch::kFloat64) * share
                                       : torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(params.front().device()));
  reduced.push_back(total);
  dp.all_reduce_sum(reduced);
  return total;
}

// FNV-1a over the bytes of every parameter: equal only when the weights are bit for bit equal.
std::int64_t fingerprint(const std::vector<torch::Tensor>& params) {
  std::uint64_t h = 1469598103934665603ULL;
  for (const auto& p : params) {
    const torch::Tensor c = p.detach().cpu().contiguous();
    const auto* bytes = static_cast<const unsigned char*>(c.data_ptr());
    for (std::size_t i = 0; i < c.nbytes(); ++i) h = (h ^ bytes[i]) * 1099511628211ULL;
  }
  return static_cast<std::int64_t>(h);
}

bool all_finite(const std::vector<torch::Tensor>& params) {
  torch::Tensor ok = torch::ones({}, torch::TensorOptions().dtype(torch::kBool).device(params.front().device()));
  for (const auto& p : params) ok = ok.logical_and(torch::isfinite(p.detach()).all());
  return ok.item<bool>();  // one sync per epoch
}

double parameter_norm(const std::vector<torch::Tensor>& params) {
  double squares = 0;
  for (const auto& p : params) squares += p.detach().to(torch::kFloat64).pow(2).sum().item<double>();
  return std::sqrt(squares);
}

bool better(double candidate, double best, bool higher) {
  if (!std::isfinite(candidate)) return false;
  if (!std::isfinite(best)) return true;
  return higher ? candidate > best : candidate < best;
}

using Metrics = std::map<std::string, double>;

Metrics evaluate(Model& model, const Assembly& a, const SplitView& view) {
  model.eval();
  torch::NoGradGuard no_grad;
  const auto& t = a.experiment->training;
  BatchStream stream(*a.dataset, *a.task, view, t.eval_batch_size, /*training=*/false, 0, t.num_workers,
                     {a.device, t.channels_last});
  auto accumulator = a.task->metrics();
  torch::Tensor loss_sum = torch::zeros({}, torch::TensorOptions().dtype(torch::kFloat64).device(a.device));
  Batch batch;
  while (stream.next(batch)) {
    Outputs outputs;
    {
      const AutocastScope autocast(t, a.device);
      outputs = a.task->evaluate(model, batch);
      loss_sum += a.task->loss(outputs, batch, a.policy).to(torch::kFloat64) * batch.size;
    }
    accumulator->update(outputs, batch);
  }
  auto metrics = accumulator->compute();
  metrics["loss"] = view.size() ? loss_sum.item<double>() / view.size() : std::nan("");
  return metrics;
}

// Puts the optimizer's evaluation weights into the model (optimizer.eval()); where they are not
// the weights it trained at (schedule-free's x), batch-norm statistics are recomputed at them from
// the first training batches in stored order.
void to_evaluation_weights(Optimizer& optimizer, bool evaluation_weights, Model& model, const Assembly& a) {
  optimizer.eval();
  if (!evaluation_weights || !has_batch_norm(model)) return;
  const auto& t = a.experiment->training;
  BatchStream stream(*a.dataset, *a.task, a.splits.train, t.batch_size, /*training=*/false, 0, t.num_workers,
                     {a.device, t.channels_last});
  Batch batch;
  int batches = 0;
  recompute_batch_norm_statistics(model, [&] {
    if (batches == kBatchNormStatisticsBatches || !stream.next(batch)) return false;
    ++batches;
    const AutocastScope autocast(t, a.device);
    model.forward(batch);
    return true;
  });
}

// The top Hessian eigenvalues of the training loss, the mean over the first batches of the training
// split in its stored order, with the model in eval mode (running statistics, no dropout) so that
// the loss is one fixed function of the weights.
json hessian_spectrum(Model& model, const Assembly& a, const std::vector<torch::Tensor>& params) {
  const AnalysisSpec& an = a.experiment->analysis;
  model.eval();
  std::vector<Batch> batches;
  {
    BatchStream stream(*a.dataset, *a.task, a.splits.train, a.experiment->training.batch_size, /*training=*/false, 0,
                       a.experiment->training.num_workers, {a.device, a.experiment->training.channels_last});
    Batch batch;
    while (static_cast<std::int64_t>(batches.size()) < an.hessian_batches && stream.next(batch)) batches.push_back(batch);
  }
  auto loss_of = [&](std::size_t i) { return a.task->loss(model.forward(batches[i]), batches[i], a.policy); };
  // In fp32 whatever the run's precision: power iteration on double backward needs the digits.
  // cuDNN has no double backward for its RNN kernels; its convolutions have one, but slower.
  std::optional<CudnnDisabledScope> no_cudnn;
  if (a.device.is_cuda()) no_cudnn.emplace();
  const auto spectrum = top_hessian_eigenvalues(params, loss_of, batches.size(), static_cast<int>(an.hessian_top_k),
                                                static_cast<int>(an.hessian_iterations), 1e-3, 0);
  std::int64_t samples = 0;
  for (const auto& b : batches) samples += b.size;
  return {{"top_eigenvalues", spectrum.eigenvalues}, {"iterations", spectrum.iterations},
          {"batches", batches.size()}, {"samples", samples}};
}

}  // namespace

// The bytes of the optimizer's state tensors (moments, ...), as its checkpoint holds them.
std::int64_t optimizer_state_bytes(const Optimizer& optimizer) {
  torch::serialize::OutputArchive out;
  optimizer.save(out);
  std::ostringstream buffer;
  out.save_to(buffer);
  std::istringstream stored(buffer.str());
  torch::serialize::InputArchive in;
  in.load_from(stored);
  std::int64_t bytes = 0;
  for (const auto& key : in.keys()) {
    if (key.find('#') != std::string::npos) continue;  // per-group scalars such as the lr
    torch::Tensor t;
    in.read(key, t);
    bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
  }
  return bytes;
}

json train_run(const Assembly& a, const RunSpec& spec) {
  const Experiment& ex = *a.experiment;
  const auto& t = ex.training;
  const auto wall_start = Clock::now();
  const c10::DeviceGuard on_device(a.device);  // this thread's tensors and kernels: the run's GPU
  reset_peak_memory(a.device);
  fs::create_directories(spec.dir);
  const fs::path metrics_path = spec.dir / "metrics.jsonl";
  Collectives* dp = a.collectives.get();  // data-parallel across processes, or null
  const bool writer = !dp || dp->rank() == 0;  // only rank 0 writes the run's files
  if (writer)  // a process killed in write_atomically leaves its temporary file behind
    for (const auto& entry : fs::directory_iterator(spec.dir))
      if (entry.path().filename().string().find(".tmp.") != std::string::npos) fs::remove(entry.path());
  if (writer && !a.spec.vocabulary.empty()) {
    // The token ids of the saved models mean nothing without it (one token per line, as BERT's vocab.txt).
    std::string vocab;
    for (const auto& token : a.spec.vocabulary) vocab += token + "\n";
    write_text_atomically(spec.dir / "vocab.txt", vocab);
  }

  torch::manual_seed(static_cast<std::uint64_t>(spec.seed));
  auto model = a.registry->make_model(ex.model.name, ex.model.params, a.spec);
  model->to(a.device);
  if (t.channels_last) to_channels_last(*model);
  if (dp) {
    torch::NoGradGuard no_grad;
    std::vector<torch::Tensor> state = model->parameters();
    for (const auto& b : model->buffers()) state.push_back(b);
    dp->broadcast(state);  // every rank starts from rank 0's weights
  }
  const Params& op = spec.optimizer->params;
  auto optimizer = a.registry->make_optimizer(spec.optimizer->name,
                                              make_param_groups(*model, t.exclude_from_weight_decay), op);
  const auto& groups = optimizer->groups();
  const double base_lr = optimizer->lr();  // schedules scale the lr the optimizer starts with
  std::vector<torch::Tensor> all_params;
  std::int64_t num_parameters = 0;
  for (const auto& g : groups)
    for (const auto& p : g.params) {
      all_params.push_back(p);
      num_parameters += p.numel();
    }

  const std::int64_t steps_per_epoch = (a.splits.train.size() + t.batch_size - 1) / t.batch_size;
  optimizer->set_planned_steps(steps_per_epoch * t.epochs);
  const bool evaluation_weights = a.registry->capabilities(spec.optimizer->name).evaluation_weights;
  LrSchedule schedule(a.policy.scheduler, base_lr, steps_per_epoch * t.epochs,
                      static_cast<std::int64_t>(std::llround(a.policy.warmup_epochs * steps_per_epoch)),
                      a.task->higher_is_better());
  const std::string primary = a.task->primary_metric();
  const bool higher = a.task->higher_is_better();

  json s;
  s["experiment"] = ex.name;
  s["optimizer"] = spec.optimizer->name;
  s["optimizer_params"] = to_json(op);
  s["seed"] = spec.seed;
  s["sweep"] = json::object();
  for (const auto& [name, value] : spec.sweep_point) s["sweep"][name] = value;
  s["primary_metric"] = primary;
  s["higher_is_better"] = higher;
  s["num_parameters"] = num_parameters;
  s["device"] = a.device.str();
  s["precision"] = t.precision;
  s["channels_last"] = t.channels_last;
  s["cudnn_benchmark"] = t.cudnn_benchmark;
  s["deterministic"] = t.deterministic;
  s["best_epoch"] = nullptr;
  s["best_validation"] = nullptr;
  s["best_train"] = nullptr;  // the training subset's metrics at the best epoch
  s["test"] = nullptr;
  s["stopped_early"] = false;
  s["status"] = "completed";

  Progress progress(spec.label);
  TrainingProgress state;
  const fs::path best_path = spec.dir / "best_model.pt", checkpoint_path = spec.dir / "checkpoint.pt";
  const fs::path events_path = spec.dir / kEventFileName;
  const bool resumed = load_checkpoint(checkpoint_path, *model, *optimizer, state, a.device);
  if (resumed && t.channels_last) to_channels_last(*model);  // loading gives the stored layout
  if (resumed) {
    // Go on exactly where the checkpoint left off: its metrics lines and events, schedule and RNG state.
    if (writer && fs::exists(metrics_path)) fs::resize_file(metrics_path, static_cast<std::uintmax_t>(state.metrics_bytes));
    if (writer && state.events_bytes >= 0 && fs::exists(events_path))
      fs::resize_file(events_path, static_cast<std::uintmax_t>(state.events_bytes));
    schedule.restore(state.schedule);
    const json best_json = json::parse(state.best_json);
    for (const char* key : {"best_epoch", "best_validation", "best_train", "stopped_early"})
      if (best_json.contains(key)) s[key] = best_json[key];
    progress.line("resumed from " + checkpoint_path.string() + " after epoch " + std::to_string(state.epoch));
  } else if (writer) {
    fs::remove(metrics_path);
    fs::remove(events_path);
  }
  std::optional<EventWriter> events;
  if (writer) events.emplace(events_path);
  if (events && !resumed) events->hparams(hparams_of(spec, s["optimizer_params"]), "", unix_seconds());
  auto log_line = [&](const json& line) {
    if (writer) append_line(metrics_path, line.dump());
  };
  // The checkpoint records how far metrics.jsonl and the event file go: a resume cuts them back there.
  auto checkpoint = [&] {
    if (!writer) return;
    state.metrics_bytes = fs::exists(metrics_path) ? static_cast<std::int64_t>(fs::file_size(metrics_path)) : 0;
    state.events_bytes = static_cast<std::int64_t>(fs::file_size(events_path));
    state.schedule = schedule.state();
    save_checkpoint(checkpoint_path, *model, *optimizer, state, a.device);
  };
  auto stop_everywhere = [&] { return dp ? dp->sum(stop_requested() ? 1 : 0) > 0 : stop_requested(); };
  std::int64_t& step = state.step;
  std::int64_t& grad_evals = state.gradient_evaluations;
  std::int64_t& since_best = state.since_best;
  std::int64_t& samples_seen = state.samples_seen;
  double& best = state.best;
  double& train_seconds = state.train_seconds;
  double& data_wait_seconds = state.data_wait_seconds;
  double& forward_backward_seconds = state.forward_backward_seconds;
  double& optimizer_seconds = state.optimizer_seconds;
  double& final_train_loss = state.final_train_loss;

  const auto timer = make_step_timer(a.device);
  try {
    for (std::int64_t epoch = state.epoch + 1; epoch <= t.epochs && !state.finished; ++epoch) {
      model->train();
      // Within an epoch when the checkpoint was taken between steps: go on from there.
      const EpochProgress resume = state.in_epoch;
      state.in_epoch = {};
      const auto epoch_start = Clock::now() - std::chrono::duration_cast<Clock::duration>(
                                                  std::chrono::duration<double>(resume.seconds));
      BatchStream stream(*a.dataset, *a.task, a.splits.train, t.batch_size, /*training=*/true,
                         static_cast<std::uint64_t>(spec.seed) * 7919ULL + epoch, t.num_workers,
                         {a.device, t.channels_last},
                         dp ? Shard{dp->rank(), dp->world_size()} : Shard{});
      stream.skip(resume.steps);
      const auto f64 = torch::TensorOptions().dtype(torch::kFloat64).device(a.device);
      torch::Tensor epoch_loss = torch::tensor(resume.loss_sum, f64);
      torch::Tensor window_loss = torch::tensor(resume.window_loss_sum, f64);
      std::int64_t window_steps = resume.window_steps, epoch_steps = resume.steps, epoch_samples = resume.samples;
      double epoch_data_wait = resume.data_wait;  // time the step waited for its batch: the data pipeline's cost
      double epoch_closure = resume.closure, epoch_step = resume.step;  // the step, and of it the closures
      const auto take_phase_seconds = [&] {
        const PhaseSeconds taken = timer->take();
        epoch_closure += taken.closures;
        epoch_step += taken.steps;
      };
      Batch batch;
      for (auto wait_start = Clock::now(); stream.next(batch); wait_start = Clock::now()) {
        epoch_data_wait += seconds_since(wait_start);
        optimizer->set_lr(schedule.lr_at(step));
        // The closure recomputes loss and gradients at the current weights (SAM-style optimizers
        // call it again); every call counts as one gradient evaluation.
        Closure closure = [&]() {
          timer->closure_begin();
          optimizer->zero_grad();
          torch::Tensor loss;
          if (batch.size > 0) {
            {
              const AutocastScope autocast(t, a.device);
              loss = a.task->loss(model->forward(batch), batch, a.policy);
            }
            loss.backward();
          }
          ++grad_evals;
          // Data-parallel: the mean over the whole batch, from each rank's mean over its slice.
          if (dp) loss = average_over_ranks(*dp, all_params, loss, static_cast<double>(batch.size) / stream.global_batch_size());
          if (a.policy.max_grad_norm > 0) clip_grad_norm(all_params, a.policy.max_grad_norm);
          timer->closure_end();
          return loss.detach();
        };
        timer->step_begin();
        torch::Tensor loss = closure();
        optimizer->step(closure);
        timer->step_end();
        epoch_loss += loss;
        window_loss += loss;
        ++window_steps;
        ++epoch_steps;
        ++step;
        epoch_samples += batch.size;
        if (step % t.log_every_steps == 0) {
          // The only host syncs of the training loop, once per log interval.
          take_phase_seconds();
          const double mean = window_loss.item<double>() / window_steps;
          const double elapsed = seconds_since(epoch_start);
          if (!std::isfinite(mean))
            throw std::domain_error("training loss is " + format_number(mean) + " by step " + std::to_string(step));
          log_line({{"type", "train"}, {"epoch", epoch}, {"step", step}, {"loss", mean}, {"lr", optimizer->lr()},
                    {"samples_per_second", epoch_samples / elapsed}, {"train_seconds", train_seconds + elapsed}});
          if (events) {
            const double now = unix_seconds();
            events->scalar("train/loss", mean, step, now);
            events->scalar("train/lr", optimizer->lr(), step, now);
          }
          progress.loss(mean);
          window_loss.zero_();
          window_steps = 0;
        }
        // Between steps: a checkpoint every checkpoint_every_steps, and at once on a stop request.
        const bool stop_now = stop_everywhere();
        const bool due = t.checkpoint_every_steps > 0 && step % t.checkpoint_every_steps == 0;
        if ((stop_now || due) && epoch_steps < stream.batches()) {
          take_phase_seconds();
          state.in_epoch = {epoch_steps, epoch_samples, window_steps, epoch_loss.item<double>(),
                            window_loss.item<double>(), seconds_since(epoch_start), epoch_data_wait,
                            epoch_closure, epoch_step};
          checkpoint();
          if (stop_now)
            throw Interrupted(spec.label + " stopped at step " + std::to_string(step) + " (checkpoint " +
                              checkpoint_path.string() + "); run the same command again to resume");
          state.in_epoch = {};
        }
        const double elapsed = seconds_since(epoch_start);
        const double per_step = elapsed / epoch_steps;
        progress.step(epoch, t.epochs, epoch_steps, stream.batches(), epoch_samples / elapsed,
                      per_step * ((t.epochs - epoch + 1) * steps_per_epoch - epoch_steps));
      }
      take_phase_seconds();
      const double epoch_seconds = seconds_since(epoch_start);
      train_seconds += epoch_seconds;
      data_wait_seconds += epoch_data_wait;
      forward_backward_seconds += epoch_closure;
      optimizer_seconds += epoch_step - epoch_closure;
      samples_seen += epoch_samples;
      state.epoch = epoch;
      final_train_loss = epoch_loss.item<double>() / std::max<std::int64_t>(epoch_steps, 1);
      if (!std::isfinite(final_train_loss))
        throw std::domain_error("training loss is " + format_number(final_train_loss) + " by step " + std::to_string(step));
      if (!all_finite(all_params))
        throw std::domain_error("parameters are not finite after epoch " + std::to_string(epoch));

      // Validation, the best checkpoint and the generalisation gap at the optimizer's evaluation
      // weights; training, and its checkpoint, at its training weights.
      to_evaluation_weights(*optimizer, evaluation_weights, *model, a);
      auto val = evaluate(*model, a, a.splits.validation);
      const auto train_metrics = a.train_probe.size() ? evaluate(*model, a, a.train_probe) : Metrics{};
      const double metric = val.count(primary) ? val.at(primary) : std::nan("");
      schedule.on_validation(metric);
      const bool improved = better(metric, best, higher);
      if (improved) {
        best = metric;
        since_best = 0;
        if (writer) save_module(*model, best_path);
        s["best_epoch"] = epoch;
        s["best_validation"] = val;
        if (!train_metrics.empty()) s["best_train"] = train_metrics;
      } else {
        ++since_best;
      }
      optimizer->train();
      json line{{"type", "epoch"}, {"epoch", epoch}, {"step", step}, {"train_loss", final_train_loss},
                {"lr", optimizer->lr()}, {"epoch_seconds", epoch_seconds}, {"train_seconds", train_seconds},
                {"data_wait_seconds", epoch_data_wait}, {"forward_backward_seconds", epoch_closure},
                {"optimizer_seconds", epoch_step - epoch_closure}, {"validation", val}};
      if (!train_metrics.empty()) line["train"] = train_metrics;
      log_line(line);
      if (events) epoch_events(*events, line);
      progress.line("epoch " + std::to_string(epoch) + "/" + std::to_string(t.epochs) + ": train loss " +
                    four_digits(final_train_loss) + ", validation " + metrics_text(val) +
                    (improved ? " (best)" : "") + ", " + format_duration(epoch_seconds));
      const bool stop_early = a.policy.early_stopping_patience > 0 &&
                              since_best >= a.policy.early_stopping_patience && epoch < t.epochs;
      if (stop_early) {
        s["stopped_early"] = true;
        progress.line("early stop: no validation improvement in " + std::to_string(since_best) + " epochs");
      }
      state.finished = stop_early || epoch == t.epochs;
      state.best_json = json{{"best_epoch", s["best_epoch"]}, {"best_validation", s["best_validation"]},
                             {"best_train", s["best_train"]},
                             {"stopped_early", s["stopped_early"]}}.dump();
      checkpoint();
      if (stop_everywhere() && !state.finished)  // every rank or none
        throw Interrupted(spec.label + " stopped after epoch " + std::to_string(epoch) + " (checkpoint " +
                          checkpoint_path.string() + "); run the same command again to resume");
    }
  } catch (const std::domain_error& e) {
    progress.finish();
    s["status"] = "diverged";
    s["error"] = e.what();
    s["diverged_at_step"] = step;  // where it was seen: the loss is read every log_every_steps steps
    progress.line(std::string("diverged: ") + e.what());
  }
  progress.finish();
  to_evaluation_weights(*optimizer, evaluation_weights, *model, a);  // the weights the run reports
  s["parameter_norm"] = parameter_norm(all_params);  // of the trained weights: compares runs across launches
  if (dp) {
    s["ranks"] = dp->world_size();
    s["parameters_identical_on_ranks"] = dp->same_on_all_ranks(fingerprint(all_params));
    if (!s["parameters_identical_on_ranks"].get<bool>()) {
      s["status"] = "failed";
      s["error"] = "the ranks ended with different parameters";
    }
    dp->barrier();  // rank 0's best_model.pt is complete
  }

  if (fs::exists(best_path) && a.splits.test.size() > 0) {
    load_module(*model, best_path, a.device);
    auto test = evaluate(*model, a, a.splits.test);
    s["test"] = test;
    log_line({{"type", "test"}, {"epoch", s["best_epoch"]}, {"test", test}});
    if (events)
      for (const auto& [k, v] : test) events->scalar("test/" + k, v, step, unix_seconds());
    progress.line("test (best checkpoint, epoch " + s["best_epoch"].dump() + "): " + metrics_text(test));
  }
  if (writer && ex.analysis.hessian_top_k > 0 && s["status"] == "completed" && fs::exists(best_path)) {
    load_module(*model, best_path, a.device);
    s["hessian"] = hessian_spectrum(*model, a, all_params);
    progress.line("Hessian at the best checkpoint: top eigenvalues " + s["hessian"]["top_eigenvalues"].dump());
  }
  s["epochs_run"] = state.epoch;
  s["steps"] = step;
  s["gradient_evaluations"] = grad_evals;
  s["declared_gradient_evaluations_per_step"] = a.registry->capabilities(spec.optimizer->name).gradient_evaluations;
  s["final_train_loss"] = std::isfinite(final_train_loss) ? json(final_train_loss) : json(nullptr);
  s["train_seconds"] = train_seconds;
  s["wall_seconds"] = seconds_since(wall_start);
  s["samples_per_second"] = train_seconds > 0 ? samples_seen / train_seconds : 0.0;
  s["ms_per_step"] = step > 0 ? 1000.0 * train_seconds / step : 0.0;
  s["data_wait_fraction"] = train_seconds > 0 ? data_wait_seconds / train_seconds : 0.0;
  s["forward_backward_ms_per_step"] = step > 0 ? 1000.0 * forward_backward_seconds / step : 0.0;
  s["optimizer_ms_per_step"] = step > 0 ? 1000.0 * optimizer_seconds / step : 0.0;
  s["optimizer_state_bytes"] = optimizer_state_bytes(*optimizer);
  s["peak_rss_mb"] = peak_rss_mb();
  add_device_memory(s, a.device);
  if (writer) {
    write_details(a, spec, *model, schedule.describe(), groups, s);
    write_text_atomically(spec.dir / "summary.json", s.dump(2) + "\n");
  }
  return s;
}

}  // namespace optbench::core
