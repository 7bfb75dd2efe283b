// Experiment files: TOML parsing, validation against component schemas, sweep expansion.
#include "experiment/experiment.h"
#include "experiment/run_plan.h"
#include "fake_catalog.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const optbench::core::FakeCatalog catalog;
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] {
    const auto experiment = optbench::core::load_experiment(path, catalog, {});
    optbench::core::plan_runs(experiment, catalog);
  });
  return 0;
}
