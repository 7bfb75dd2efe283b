// Data-loader throughput: the training samples per second the host's pipeline delivers for an
// experiment (the dataset's batches plus the task's preparation and augmentation, on the
// experiment's worker threads), with no model in the way; and the time to read the dataset.
// train_throughput.py sets it beside the training throughput of the same experiment.
#include <spdlog/spdlog.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>

#include "experiment/experiment.h"
#include "plugins/plugin_registry.h"
#include "plugins/plugin_search.h"
#include "training/data_pipeline.h"

using namespace optbench::core;
using optbench::Batch;
using Clock = std::chrono::steady_clock;

namespace {

double seconds_since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

}  // namespace

int main(int argc, char** argv) {
  std::string experiment_path, json_path;
  std::int64_t epochs = 2;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--json" && i + 1 < argc) json_path = argv[++i];
    else if (a == "--epochs" && i + 1 < argc) epochs = std::stoll(argv[++i]);
    else if (experiment_path.empty() && a.rfind("--", 0) != 0) experiment_path = a;
    else {
      std::fprintf(stderr, "usage: data_loader EXPERIMENT.toml [--epochs N] [--json FILE]\n");
      return 2;
    }
  }
  if (experiment_path.empty()) {
    std::fprintf(stderr, "usage: data_loader EXPERIMENT.toml [--epochs N] [--json FILE]\n");
    return 2;
  }
  try {
    PluginRegistry registry;
    const auto search = resolve_plugin_search({}, "", boost::dll::program_location().parent_path());
    for (const auto& d : search.directories) registry.load_directory(d.path, search.disabled);
    const Experiment ex = load_experiment(experiment_path, registry);
    const auto& t = ex.training;
    torch::set_num_threads(static_cast<int>(t.threads > 0 ? t.threads : std::thread::hardware_concurrency()));

    const auto load_start = Clock::now();
    auto dataset = registry.make_dataset(ex.dataset.name, ex.dataset.params);
    const double load_seconds = seconds_since(load_start);
    auto task = registry.make_task(ex.task.name, ex.task.params, dataset->spec());
    const auto splits = make_splits(*dataset, ex.validation_fraction, ex.max_samples);

    double epoch_seconds = 0;
    std::int64_t samples = 0;
    for (std::int64_t epoch = 1; epoch <= epochs; ++epoch) {  // the last epoch counts; the first warms up
      const auto start = Clock::now();
      BatchStream stream(*dataset, *task, splits.train, t.batch_size, /*training=*/true,
                         static_cast<std::uint64_t>(epoch), t.num_workers, torch::Device(torch::kCPU));
      Batch batch;
      samples = 0;
      while (stream.next(batch)) samples += batch.size;
      epoch_seconds = seconds_since(start);
    }
    const nlohmann::json out = {{"dataset", ex.dataset.name}, {"workers", t.num_workers},
                                {"load_seconds", load_seconds}, {"samples", samples},
                                {"samples_per_second", samples / epoch_seconds}};
    std::printf("%s: read in %.2f s; %lld training samples/s on %lld workers\n", ex.dataset.name.c_str(),
                load_seconds, static_cast<long long>(samples / epoch_seconds),
                static_cast<long long>(t.num_workers));
    if (!json_path.empty()) std::ofstream(json_path) << out.dump(2) << "\n";
  } catch (const std::exception& e) {
    std::fprintf(stderr, "data_loader: %s\n", e.what());
    return 1;
  }
  return 0;
}
