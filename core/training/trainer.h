// The one training loop every task shares.
#pragma once

#include <nlohmann/json.hpp>

#include <filesystem>

#include "training/assemble.h"

namespace optbench::core {

struct RunSpec {
  const Selection* optimizer = nullptr;
  std::int64_t seed = 0;
  std::vector<std::pair<std::string, double>> sweep_point;  // summary.json "sweep"
  std::filesystem::path dir;
  std::string label;  // for progress lines, e.g. "[adam seed 42]"
};

// Trains one (optimizer, seed) run and writes metrics.jsonl, best_model.pt,
// summary.json and details.txt into spec.dir. Returns the summary.
nlohmann::json train_run(const Assembly& assembly, const RunSpec& spec);

// On a GPU, the run's peak device memory into its summary (peak_gpu_allocated_mb,
// peak_gpu_reserved_mb, gpu_total_mb); nothing on the CPU.
void add_device_memory(nlohmann::json& summary, const torch::Device& device);

// The bytes of the optimizer's state tensors (moments, ...), as its checkpoint holds them.
std::int64_t optimizer_state_bytes(const Optimizer& optimizer);

nlohmann::json to_json(const Value& v);
nlohmann::json to_json(const Params& p);

}  // namespace optbench::core
