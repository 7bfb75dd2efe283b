#include "training/checkpoint.h"

#include <ATen/CPUGeneratorImpl.h>

#include <csignal>

#include "results/atomic_file.h"
#include "training/device.h"

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

torch::Tensor int_tensor(std::int64_t x) { return torch::tensor(x, torch::kInt64); }
torch::Tensor double_tensor(double x) { return torch::tensor(x, torch::kFloat64); }

torch::Tensor bytes_tensor(const std::string& s) {
  return torch::from_blob(const_cast<char*>(s.data()), {static_cast<std::int64_t>(s.size())}, torch::kUInt8).clone();
}

std::string bytes_string(const torch::Tensor& t) {
  return std::string(reinterpret_cast<const char*>(t.data_ptr<std::uint8_t>()), t.numel());
}

volatile std::sig_atomic_t g_stop = 0;

extern "C" void on_stop_signal(int) { g_stop = 1; }

}  // namespace

void save_module(torch::nn::Module& model, const fs::path& path) {
  write_atomically(path, [&](const fs::path& tmp) {
    torch::serialize::OutputArchive archive;
    model.save(archive);
    archive.save_to(tmp.string());
  });
}

void load_module(torch::nn::Module& model, const fs::path& path, const torch::Device& device) {
  torch::serialize::InputArchive archive;
  archive.load_from(path.string(), device);
  model.load(archive);
}

void save_checkpoint(const fs::path& path, const Model& model, const Optimizer& optimizer,
                     const TrainingProgress& p, const torch::Device& device) {
  write_atomically(path, [&](const fs::path& tmp) {
    torch::serialize::OutputArchive archive, model_archive, optimizer_archive;
    model.save(model_archive);
    optimizer.save(optimizer_archive);
    archive.write("model", model_archive);
    archive.write("optimizer", optimizer_archive);
    archive.write("epoch", int_tensor(p.epoch));
    archive.write("step", int_tensor(p.step));
    archive.write("gradient_evaluations", int_tensor(p.gradient_evaluations));
    archive.write("since_best", int_tensor(p.since_best));
    archive.write("samples_seen", int_tensor(p.samples_seen));
    archive.write("best", double_tensor(p.best));
    archive.write("train_seconds", double_tensor(p.train_seconds));
    archive.write("data_wait_seconds", double_tensor(p.data_wait_seconds));
    archive.write("forward_backward_seconds", double_tensor(p.forward_backward_seconds));
    archive.write("optimizer_seconds", double_tensor(p.optimizer_seconds));
    archive.write("final_train_loss", double_tensor(p.final_train_loss));
    archive.write("finished", int_tensor(p.finished));
    archive.write("metrics_bytes", int_tensor(p.metrics_bytes));
    archive.write("events_bytes", int_tensor(p.events_bytes));
    archive.write("best_json", bytes_tensor(p.best_json));
    archive.write("schedule", torch::tensor(p.schedule, torch::kFloat64));
    const EpochProgress& e = p.in_epoch;
    archive.write("in_epoch", torch::tensor({static_cast<double>(e.steps), static_cast<double>(e.samples),
                                             static_cast<double>(e.window_steps), e.loss_sum, e.window_loss_sum,
                                             e.seconds, e.data_wait, e.closure, e.step}, torch::kFloat64));
    archive.write("rng", at::detail::getDefaultCPUGenerator().get_state());
    if (device.is_cuda()) archive.write("cuda_rng", torch::stack(cuda_generator_states()));
    archive.save_to(tmp.string());
  });
}

bool load_checkpoint(const fs::path& path, Model& model, Optimizer& optimizer, TrainingProgress& p,
                     const torch::Device& device) {
  if (!fs::exists(path)) return false;
  torch::serialize::InputArchive archive, model_archive, optimizer_archive;
  archive.load_from(path.string(), device);
  archive.read("model", model_archive);
  archive.read("optimizer", optimizer_archive);
  model.load(model_archive);
  optimizer.load(optimizer_archive);
  auto read = [&](const char* key) {
    torch::Tensor t;
    archive.read(key, t);
    return t.cpu();
  };
  p.epoch = read("epoch").item<std::int64_t>();
  p.step = read("step").item<std::int64_t>();
  p.gradient_evaluations = read("gradient_evaluations").item<std::int64_t>();
  p.since_best = read("since_best").item<std::int64_t>();
  p.samples_seen = read("samples_seen").item<std::int64_t>();
  p.best = read("best").item<double>();
  p.train_seconds = read("train_seconds").item<double>();
  auto read_or_zero = [&](const char* key) {  // absent from checkpoints of older versions
    torch::Tensor t;
    return archive.try_read(key, t) ? t.item<double>() : 0.0;
  };
  p.data_wait_seconds = read_or_zero("data_wait_seconds");
  p.forward_backward_seconds = read_or_zero("forward_backward_seconds");
  p.optimizer_seconds = read_or_zero("optimizer_seconds");
  p.final_train_loss = read("final_train_loss").item<double>();
  p.finished = read("finished").item<std::int64_t>() != 0;
  p.metrics_bytes = read("metrics_bytes").item<std::int64_t>();
  torch::Tensor events_bytes;
  p.events_bytes = archive.try_read("events_bytes", events_bytes) ? events_bytes.item<std::int64_t>() : -1;
  p.best_json = bytes_string(read("best_json").contiguous());
  auto schedule = read("schedule").contiguous();
  p.schedule.assign(schedule.data_ptr<double>(), schedule.data_ptr<double>() + schedule.numel());
  torch::Tensor in_epoch;  // absent from checkpoints of older versions, which were all at an epoch's end
  p.in_epoch = {};
  if (archive.try_read("in_epoch", in_epoch)) {
    const auto v = in_epoch.cpu().contiguous();
    const double* x = v.data_ptr<double>();
    p.in_epoch = {static_cast<std::int64_t>(x[0]), static_cast<std::int64_t>(x[1]), static_cast<std::int64_t>(x[2]),
                  x[3], x[4], x[5], x[6], x[7], x[8]};
  }
  at::Generator generator = at::detail::getDefaultCPUGenerator();
  generator.set_state(read("rng"));
  torch::Tensor cuda_rng;  // absent from CPU runs and from checkpoints of older versions
  if (archive.try_read("cuda_rng", cuda_rng)) {
    cuda_rng = cuda_rng.cpu();
    std::vector<torch::Tensor> states;
    for (std::int64_t i = 0; i < cuda_rng.size(0); ++i) states.push_back(cuda_rng[i].contiguous());
    set_cuda_generator_states(states);
  }
  return true;
}

void install_stop_handlers() {
  for (int sig : {SIGINT, SIGTERM, SIGUSR1}) std::signal(sig, on_stop_signal);
}

bool stop_requested() { return g_stop != 0; }

}  // namespace optbench::core
