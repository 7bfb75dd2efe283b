#include "cli/commands.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <optional>

#include "cli/host_options.h"
#include "common/host_paths.h"
#include "experiment/run_plan.h"
#include "scale/experiment_runner.h"
#include "scale/run_jobs.h"
#include "scale/slurm.h"
#include "training/collectives.h"
#include "training/trainer.h"

using namespace optbench::core;

namespace optbench::cli {

namespace po = boost::program_options;
namespace fs = std::filesystem;

namespace {

// The experiment files shipped with optbench: ./experiments in a checkout, else the host's.
fs::path shipped_experiments_dir() {
  if (fs::is_directory("experiments")) return "experiments";
  const fs::path shipped = host_share_dir() / "experiments";
  return fs::is_directory(shipped) ? fs::weakly_canonical(shipped) : fs::path();
}

// The first sentence of a file's leading comment: what the experiment is.
std::string first_sentence(const fs::path& file) {
  std::ifstream in(file);
  std::string text;
  for (std::string line; std::getline(in, line) && line.rfind("#", 0) == 0;) {
    line = line.substr(line.find_first_not_of("# ") == std::string::npos ? line.size() : line.find_first_not_of("# "));
    text += (text.empty() ? "" : " ") + line;
  }
  const auto end = text.find(". ");
  return end == std::string::npos ? text : text.substr(0, end + 1);
}

// What `run` without a file says: the shipped experiments and how to start.
std::string shipped_experiments_text() {
  const fs::path dir = shipped_experiments_dir();
  std::string text = "run needs an experiment file";
  if (dir.empty()) return text + " (FILE.toml)";
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.path().extension() == ".toml") files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  text += ". The shipped ones, in " + dir.string() + ":\n";
  for (const auto& file : files) text += "  " + file.filename().string() + "\n      " + first_sentence(file) + "\n";
  return text + "To start: optbench-host run " + (dir / "quickstart.toml").string() +
         " (Fashion-MNIST from Debian's dataset-fashion-mnist, a few minutes on 2 cores).\n"
         "`optbench-host validate FILE.toml` checks a file without training; docs/experiment-file.md lists every key";
}

}  // namespace

Options run_options() {
  po::options_description o("run options");
  o.add_options()("jobs,j", po::value<int>()->default_value(1),
                  "train N runs at a time, each in its own worker process (logs in EXPERIMENT/logs/)");
  return o;
}

int cmd_experiment(const std::string& command, const VariablesMap& vm, const Arguments& args) {
  if (command == "run" && args.empty()) throw UsageError(shipped_experiments_text());
  if (args.size() != 1) throw UsageError(command + " needs exactly one experiment file");
  const auto registry = load_plugins(vm);
  const Overrides overrides = overrides_from(vm, *registry);
  const Experiment ex = load_experiment(args[0], *registry, overrides);
  if (command == "validate") {
    const Assembly a = assemble(ex, *registry);
    std::string sweep;
    for (const auto& axis : ex.sweep)
      sweep += (sweep.empty() ? ", sweeping " : ", ") + axis.parameter + " (" + std::to_string(axis.values.size()) + " values)";
    std::printf("%s: valid. %zu run(s): %zu optimizer(s) x %zu seed(s)%s; data: %s\n", args[0].c_str(),
                plan_runs(ex, *registry).size(), ex.optimizers.size(), ex.training.seeds.size(), sweep.c_str(),
                a.splits.description.c_str());
    return 0;
  }
  const int jobs = vm["jobs"].as<int>();
  if (jobs < 1) throw UsageError("--jobs must be at least 1, got " + std::to_string(jobs));
  // Launched as one of several ranks (torchrun, srun, mpirun): train each run data-parallel.
  const auto launch = launch_environment();
  if (launch && jobs > 1) throw UsageError("--jobs and a data-parallel launch (WORLD_SIZE > 1) do not mix");
  if (launch)
    spdlog::info("rank {} of {} (local rank {}): connecting to {}:{}", launch->rank, launch->world_size,
                 launch->local_rank, launch->master_addr, launch->master_port);
  const int not_completed = jobs > 1 ? run_experiment_in_workers(ex, overrides, *registry, jobs, host_command(vm))
                                     : run_experiment(ex, overrides, *registry,
                                                      launch ? connect(*launch, training_device(ex, launch->local_rank))
                                                             : nullptr);
  if (not_completed) spdlog::error("{} run(s) did not complete", not_completed);
  return not_completed ? 1 : 0;
}

Options submit_options() {
  po::options_description o("submit options");
  o.add_options()
      ("slurm", "submit to Slurm (sbatch): one array task per run")
      ("partition", po::value<std::string>()->default_value(""), "Slurm partition (default: the cluster's)")
      ("time", po::value<std::string>()->default_value(""), "time limit per run, e.g. 4:00:00")
      ("array-parallelism", po::value<std::int64_t>()->default_value(0), "at most P runs at once (%P); 0: no limit")
      ("cpus-per-task", po::value<std::int64_t>()->default_value(0), "CPUs per run (default: [training] threads, or 1)")
      ("only-unfinished", "submit only the runs that have not completed (after failures or cancellations)")
      ("dry-run", "write the sbatch scripts and print the commands, submit nothing");
  return o;
}

int cmd_submit(const VariablesMap& vm, const Arguments& args) {
  if (args.size() != 1) throw UsageError("submit needs exactly one experiment file");
  if (!vm.count("slurm")) throw UsageError("submit needs --slurm (the scheduler to submit to)");
  const auto registry = load_plugins(vm);
  const Overrides overrides = overrides_from(vm, *registry);
  const Experiment ex = load_experiment(args[0], *registry, overrides);
  const Assembly assembly = assemble(ex, *registry);  // every check of `run` before anything is queued
  const ExperimentPlan plan = plan_experiment(ex, *registry);
  write_experiment_files(ex, overrides, *assembly.task, plan);
  SlurmOptions o;
  o.partition = vm["partition"].as<std::string>();
  o.time_limit = vm["time"].as<std::string>();
  o.array_parallelism = vm["array-parallelism"].as<std::int64_t>();
  o.cpus_per_task = vm["cpus-per-task"].as<std::int64_t>();
  o.only_unfinished = vm.count("only-unfinished") > 0;
  o.dry_run = vm.count("dry-run") > 0;
  if (o.array_parallelism < 0 || o.cpus_per_task < 0) throw UsageError("--array-parallelism and --cpus-per-task must be >= 0");
  std::fputs(submit_to_slurm(plan, ex.training.threads, host_command(vm), o).c_str(), stdout);
  return 0;
}

int cmd_run_one(const VariablesMap& vm, const Arguments& args) {
  if (args.size() != 2) throw UsageError("run-one needs MANIFEST INDEX (a manifest.jsonl and a run number from 0)");
  std::size_t index = 0, used = 0;
  try {
    index = std::stoul(args[1], &used);
  } catch (const std::exception&) {
  }
  if (used == 0 || used != args[1].size()) throw UsageError("run-one: INDEX must be a run number, got '" + args[1] + "'");
  std::optional<std::int64_t> threads;
  if (vm.count("threads")) threads = vm["threads"].as<std::int64_t>();
  const auto registry = load_plugins(vm);
  return run_manifest_entry(args[0], index, *registry, threads);
}

int cmd_status(const Arguments& args) {
  if (args.size() != 1) throw UsageError("status needs one results directory");
  std::fputs(status_text(args[0]).c_str(), stdout);
  return 0;
}

}  // namespace optbench::cli
