// Optimizer step cost on a model's parameter set (ResNet-18 with the CIFAR stem: 11.2 M parameters
// in 62 tensors; gpt_small on WikiText-2's vocabulary: 11.7 M in 68), random gradients, for every
// optimizer plugin found, beside a memory-bandwidth reference measured in the same run: a
// STREAM-like triad a = b + s·c over the same number of elements, and the bytes of state each
// optimizer keeps. On a GPU (--device cuda) each timing waits for the device at its end, so that
// it counts the kernels' work, not only their launches.
//
//   optimizer_step [--quick] [--threads N] [--device cpu|cuda] [--model resnet18|gpt_small]
//                  [--only NAME] [--json FILE]
//
// Bound per optimizer: the bytes it must move at least, at the triad's bandwidth (see
// min_streams). SAM/GSAM's closure restores the stored gradients; its time is measured alone and
// taken off, so their time is the optimizer's own work around two gradient evaluations.
#include <nlohmann/json.hpp>
#include <torch/cuda.h>
#include <torch/torch.h>

#include <boost/dll/runtime_symbol_info.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <thread>

#include "common/toml_params.h"
#include "plugins/plugin_registry.h"
#include "plugins/plugin_search.h"
#include "training/trainer.h"

using namespace optbench;
using namespace optbench::core;
using Clock = std::chrono::steady_clock;

namespace {

// Waits until the device has done the work queued so far (nothing to wait for on CPU).
void finish(const torch::Device& device) {
  if (device.is_cuda()) torch::cuda::synchronize(device.index());
}

template <class F>
double best_ms(const torch::Device& device, int repeats, F&& f) {
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    finish(device);
    const auto start = Clock::now();
    f();
    finish(device);
    best = std::min(best, std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return best;
}

// Streams of 4-byte values per parameter an optimizer must read or write at least in one step.
// Elementwise updates read w, g and the state and write w and the state: 3 + 2·state. Methods
// that need a tensor-wide statistic before they can update read their inputs once more.
double min_streams(const std::string& name, double state_per_parameter) {
  const double elementwise = 3 + 2 * state_per_parameter;
  if (name == "lars") return 2 + 5;            // ‖w‖, ‖g + λw‖; then w, g, μ → w, μ
  if (name == "lamb") return 6 + 4;            // w, g, m, v → m, v with ‖w‖, ‖r‖; then w, m, v → w
  if (name == "adafactor") return 2 + 1 + 3;   // RMS(w) and Σg²: w, g; RMS(U): g; then w, g → w
  if (name == "sam") return 1 + 3 + 5;         // ‖g‖; w, g → w + e (w kept aside); base SGD-momentum
  if (name == "gsam") return 1 + 4 + 2 + 3 + 3 + 5;  // ‖g0‖; w, g0 → w + e, g0; ⟨g0, g1⟩, ‖g1‖;
                                                     // g0, g1 → g; w, g0 → w - e; base SGD-momentum
  return elementwise;
}

// The data a model is built for: CIFAR-10 images, or WikiText-2's 33,278-token vocabulary in
// blocks of 128 tokens (train_throughput.py's workloads).
DataSpec data_for(const std::string& model) {
  DataSpec spec;
  if (model == "resnet18") {
    spec.modality = "image";
    spec.num_classes = 10;
    spec.input_shape = {3, 32, 32};
  } else {
    spec.modality = "text";
    spec.input_shape = {128};
    for (int i = 0; i < 33278; ++i) spec.vocabulary.push_back("w" + std::to_string(i));
    spec.pad_id = 0;
    spec.attributes["target"] = "next_token";
  }
  return spec;
}

}  // namespace

int main(int argc, char** argv) {
  bool quick = false;
  int threads = static_cast<int>(std::thread::hardware_concurrency());
  std::string json_path, only, device_name = "cpu", model_name = "resnet18";
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--quick") quick = true;
    else if (a == "--threads" && i + 1 < argc) threads = std::stoi(argv[++i]);
    else if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--only" && i + 1 < argc) only = argv[++i];
    else if (a == "--device" && i + 1 < argc) device_name = argv[++i];
    else if (a == "--model" && i + 1 < argc) model_name = argv[++i];
    else {
      std::fprintf(stderr, "usage: optimizer_step [--quick] [--threads N] [--device cpu|cuda] "
                           "[--model resnet18|gpt_small] [--only NAME] [--json FILE]\n");
      return 2;
    }
  }
  if (model_name != "resnet18" && model_name != "gpt_small") {
    std::fprintf(stderr, "optimizer_step: --model is resnet18 or gpt_small\n");
    return 2;
  }
  if (device_name != "cpu" && !(device_name == "cuda" && torch::cuda::is_available())) {
    std::fprintf(stderr, "optimizer_step: --device is cpu or cuda (cuda needs a GPU and LibTorch with CUDA)\n");
    return 2;
  }
  const torch::Device device(device_name == "cuda" ? "cuda:0" : "cpu");
  torch::set_num_threads(threads);
  const int steps = quick ? 2 : 20, repeats = quick ? 1 : 5;

  PluginRegistry registry;
  const auto search = resolve_plugin_search({}, "", boost::dll::program_location().parent_path());
  for (const auto& d : search.directories) registry.load_directory(d.path, search.disabled);

  ResolveOptions model_options{"bench", "[model]", {"bench"}, {}, true, &registry};
  auto model = registry.make_model(
      model_name, resolve_params(nullptr, *registry.find(Kind::kModel, model_name)->schema, model_options),
      data_for(model_name));
  torch::manual_seed(0);
  std::vector<torch::Tensor> grads;
  std::int64_t numel = 0;
  nlohmann::json shapes = nlohmann::json::array();
  for (const auto& p : model->parameters()) {
    grads.push_back((torch::randn_like(p) * 1e-2).to(device));
    numel += p.numel();
    shapes.push_back(p.sizes().vec());
  }

  // Memory-bandwidth reference: a = b + s·c, 3 streams of `numel` floats.
  auto b = torch::randn({numel}, device), c = torch::randn({numel}, device), a = torch::empty({numel}, device);
  torch::add_out(a, b, c, 0.5);
  const double triad_ms = best_ms(device, quick ? 3 : 20, [&] { torch::add_out(a, b, c, 0.5); });
  const double bytes_per_ms = 3.0 * 4 * numel / triad_ms;

  nlohmann::json out;
  out["threads"] = threads;
  out["device"] = device_name;
  out["model"] = model_name;
  out["parameters"] = numel;
  out["tensors"] = grads.size();
  out["shapes"] = shapes;
  out["triad_gb_per_s"] = bytes_per_ms / 1e6;
  std::printf("%s parameter set: %lld parameters in %zu tensors, %d threads, on %s\n", model_name.c_str(),
              static_cast<long long>(numel), grads.size(), threads, device_name.c_str());
  std::printf("triad bandwidth: %.1f GB/s (%.3f ms for 3 x %.1f MB)\n\n", bytes_per_ms / 1e6, triad_ms,
              numel * 4 / 1e6);
  std::printf("%-20s %10s %10s %8s %10s\n", "optimizer", "ms/step", "bound ms", "x bound", "state MB");

  for (const auto& name : registry.names(Kind::kOptimizer)) {
    if (!only.empty() && name != only) continue;
    const CatalogEntry* entry = registry.find(Kind::kOptimizer, name);
    ResolveOptions options{"bench", "[optimizer." + name + "]", {"bench"}, {}, true, &registry};
    const Params params = resolve_params(nullptr, *entry->schema, options);
    std::vector<torch::Tensor> weights;
    for (const auto& p : model->parameters()) weights.push_back(p.detach().to(device).clone().requires_grad_(true));
    auto set_grads = [&] {
      for (std::size_t i = 0; i < weights.size(); ++i) weights[i].mutable_grad() = grads[i].clone();
    };
    set_grads();
    ParamGroup group;
    group.params = weights;
    auto optimizer = registry.make_optimizer(name, {group}, params);
    Closure closure = [&] {
      torch::NoGradGuard no_grad;
      for (std::size_t i = 0; i < weights.size(); ++i) weights[i].mutable_grad().copy_(grads[i]);
      return torch::zeros({}, device);
    };
    optimizer->step(closure);  // creates the state
    const auto& caps = registry.capabilities(name);
    const double closure_ms = best_ms(device, repeats, closure);
    const double ms = best_ms(device, repeats, [&] {
                        for (int s = 0; s < steps; ++s) optimizer->step(closure);
                      }) / steps -
                      (caps.gradient_evaluations - 1) * closure_ms;
    const double streams = min_streams(name, caps.state_per_parameter);
    const double bound = streams * 4 * numel / bytes_per_ms;
    const std::int64_t state = optimizer_state_bytes(*optimizer);
    std::printf("%-20s %10.3f %10.3f %8.2f %10.1f\n", name.c_str(), ms, bound, ms / bound, state / 1e6);
    out["optimizers"][name] = {{"ms_per_step", ms}, {"bound_ms", bound}, {"streams", streams}, {"state_bytes", state}};
  }
  if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
  return 0;
}
