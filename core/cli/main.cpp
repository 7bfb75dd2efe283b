// optbench-host: loads plugins and runs experiments. See README.md.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/program_options.hpp>

#include <malloc.h>
#ifdef __SANITIZE_ADDRESS__
#include <sanitizer/lsan_interface.h>
#endif
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>

#include <optbench/plugin_info.h>

#include "common/diagnostics.h"
#include "experiment/experiment.h"
#include "optimizer_checks/conformance.h"
#include "results/atomic_file.h"
#include "training/checkpoint.h"
#include "training/collectives.h"
#include "data/data_fetch.h"
#include "training/device_info.h"
#include "scale/experiment_runner.h"
#include "plugins/plugin_registry.h"
#include "plugins/plugin_search.h"
#include "optimizer_checks/replay.h"
#include "analysis/report.h"
#include "results/results.h"
#include "scale/run_jobs.h"
#include "experiment/run_plan.h"
#include "analysis/score.h"
#include "scale/slurm.h"
#include "training/trainer.h"

namespace po = boost::program_options;
namespace fs = std::filesystem;
using namespace optbench;
using namespace optbench::core;

namespace {

constexpr const char* kUsage = R"(usage: optbench-host COMMAND [options]

commands:
  run FILE.toml          train every run of an experiment (optimizers x sweep points x seeds);
                         --jobs N trains N at a time in worker processes
  run-one MANIFEST INDEX train one run of a manifest.jsonl (what a worker or Slurm array task runs)
  submit FILE.toml --slurm
                         submit every run as a Slurm job array, and an aggregation job after it
  status RESULTS_DIR     which runs completed, failed, are running or have not started
  validate FILE.toml     check an experiment as `run` would, without training
  plugins                list plugins found, where, versions, and what was refused
  describe KIND NAME     parameters of a component (KIND: dataset, model, task, optimizer;
                         `describe training` shows the [training] table)
  replay FILE.json...    replay golden optimizer trajectories and compare step by step
  conformance NAME...    the checks every optimizer plugin should pass (pass/fail table)
  score METRIC ...        score any system's output: bleu|rouge --hyp FILE --ref FILE...,
                         squad DATASET.json PREDICTIONS.json, seqeval CONLL_FILE
  report RESULTS_DIR     analyses of the experiments in RESULTS_DIR: report.html (self-contained)
                         and analysis.json
  data fetch NAME...     download a dataset where the experiment files look for it, check its size
                         and checksum, extract it (`data list` shows what can be fetched)

`optbench-host COMMAND --help` shows the options of a command; `optbench-host --version` the
versions, LibTorch's CUDA and the GPUs it sees, and the data-parallel (c10d) backends built in.
)";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

po::options_description plugin_options() {
  po::options_description o("plugin options");
  o.add_options()
      ("plugin-dir", po::value<std::vector<std::string>>()->composing(),
       "search this directory for plugins (repeatable; before OPTBENCH_PLUGIN_PATH, the host config and the default)")
      ("config", po::value<std::string>()->default_value(""),
       "host config file with [plugins] enabled/disabled (default: $OPTBENCH_HOST_CONFIG or ~/.config/optbench/host.toml)")
      ("allow-insecure-plugins", "load plugin files even when users other than you or root could have replaced them")
      ("help,h", "show this help");
  return o;
}

po::options_description override_options() {
  po::options_description o("overrides of the experiment file");
  o.add_options()
      ("epochs", po::value<std::int64_t>(), "[training] epochs")
      ("optimizers", po::value<std::string>(), "comma-separated optimizer names, or all")
      ("seeds", po::value<std::string>(), "comma-separated seeds")
      ("max-samples", po::value<std::int64_t>(), "[dataset] max_samples")
      ("batch-size", po::value<std::int64_t>(), "[training] batch_size")
      ("threads", po::value<std::int64_t>(), "[training] threads (0 = one per core)")
      ("device", po::value<std::string>(), "[training] device")
      ("output-dir", po::value<std::string>(), "output_dir");
  return o;
}

po::options_description run_options() {
  po::options_description o("run options");
  o.add_options()("jobs,j", po::value<int>()->default_value(1),
                  "train N runs at a time, each in its own worker process (logs in EXPERIMENT/logs/)");
  return o;
}

std::vector<std::string> split_commas(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    const std::size_t end = std::min(s.find(',', start), s.size());
    if (end > start) out.push_back(s.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

// The command line's overrides of the experiment file; --optimizers all names every loaded one.
Overrides overrides_from(const po::variables_map& vm, const PluginRegistry& registry) {
  Overrides o;
  auto count = [&](const char* option, std::int64_t least) -> std::optional<std::int64_t> {
    if (!vm.count(option)) return std::nullopt;
    const auto x = vm[option].as<std::int64_t>();
    if (x < least)
      throw UsageError(std::string("--") + option + ": value " + std::to_string(x) + " is out of range; accepted: [" +
                       std::to_string(least) + ", inf)");
    return x;
  };
  o.epochs = count("epochs", 1);
  o.max_samples = count("max-samples", 0);
  o.batch_size = count("batch-size", 1);
  o.threads = count("threads", 0);
  if (vm.count("device")) o.device = vm["device"].as<std::string>();
  if (vm.count("output-dir")) o.output_dir = vm["output-dir"].as<std::string>();
  if (vm.count("optimizers")) {
    const std::string v = vm["optimizers"].as<std::string>();
    o.optimizers = v == "all" ? registry.names(Kind::kOptimizer) : split_commas(v);
  }
  if (vm.count("seeds")) {
    std::vector<std::int64_t> seeds;
    for (const auto& s : split_commas(vm["seeds"].as<std::string>())) {
      try {
        std::size_t used = 0;
        seeds.push_back(std::stoll(s, &used));
        if (used != s.size()) throw std::invalid_argument(s);
      } catch (const std::exception&) {
        throw UsageError("--seeds: '" + s + "' is not an integer");
      }
    }
    o.seeds = seeds;
  }
  return o;
}

PluginSearch plugin_search(const po::variables_map& vm) {
  std::vector<std::string> dirs;
  if (vm.count("plugin-dir")) dirs = vm["plugin-dir"].as<std::vector<std::string>>();
  const fs::path exe_dir = boost::dll::program_location().parent_path();
  PluginSearch search = resolve_plugin_search(dirs, vm["config"].as<std::string>(), exe_dir);
  search.allow_insecure = vm.count("allow-insecure-plugins") > 0;
  return search;
}

// Loads every plugin on the search path; refusals are logged, one line each.
std::unique_ptr<PluginRegistry> load_plugins(const PluginSearch& search, bool log_refusals = true) {
  auto registry = std::make_unique<PluginRegistry>();
  registry->allow_insecure_plugins(search.allow_insecure);
  for (const auto& d : search.directories) registry->load_directory(d.path, search.disabled);
  if (log_refusals)
    for (const auto& r : registry->refusals()) spdlog::warn("plugin refused: {}: {}", r.path, r.reason);
  return registry;
}

std::unique_ptr<PluginRegistry> load_plugins(const po::variables_map& vm) { return load_plugins(plugin_search(vm)); }

// This host with the same plugin options: how workers and array tasks start.
HostCommand host_command(const po::variables_map& vm) {
  HostCommand host{boost::dll::program_location().string(), {}};
  if (vm.count("plugin-dir"))
    for (const auto& d : vm["plugin-dir"].as<std::vector<std::string>>()) {
      host.plugin_args.push_back("--plugin-dir");
      host.plugin_args.push_back(fs::absolute(d).string());
    }
  if (!vm["config"].as<std::string>().empty()) {
    host.plugin_args.push_back("--config");
    host.plugin_args.push_back(fs::absolute(vm["config"].as<std::string>()).string());
  }
  if (vm.count("allow-insecure-plugins")) host.plugin_args.push_back("--allow-insecure-plugins");
  return host;
}

int cmd_plugins(const po::variables_map& vm) {
  const PluginSearch search = plugin_search(vm);
  const auto loaded = load_plugins(search, /*log_refusals=*/false);  // listed below instead
  const PluginRegistry& registry = *loaded;
  std::printf("search path:\n");
  for (const auto& d : search.directories) std::printf("  %s  (%s)\n", d.path.c_str(), d.origin.c_str());
  for (const auto& d : search.disabled) std::printf("  disabled: %s\n", d.c_str());
  std::printf("host: SDK ABI %u, LibTorch %s\n", OPTBENCH_SDK_ABI_VERSION, TORCH_VERSION);
  std::printf("loaded (%zu):\n", registry.plugins().size());
  for (const auto& p : registry.plugins()) {
    std::printf("  %s %s  %s  (LibTorch %s)\n", p.name.c_str(), p.version.c_str(), p.path.c_str(),
                p.torch_version.c_str());
    for (const auto& c : p.components) std::printf("    %s\n", c.c_str());
  }
  std::printf("refused (%zu):\n", registry.refusals().size());
  for (const auto& r : registry.refusals()) std::printf("  %s: %s\n", r.path.c_str(), r.reason.c_str());
  return 0;
}

void print_schema(const Schema& schema) {
  std::printf("parameters:\n");
  for (const auto& s : schema.specs()) {
    std::string type = type_name(s.type);
    if (s.length) type += " of length " + std::to_string(*s.length);
    std::string line = "  " + s.name + " (" + type + ")";
    if (s.default_value) line += " = " + to_string(*s.default_value);
    else line += s.optional ? ", unset by default" : ", required";
    if (s.suite_default) line += "; training runs default to " + to_string(*s.suite_default);
    std::printf("%s\n      %s", line.c_str(), s.doc.c_str());
    if (!s.bounds.unbounded()) std::printf("; range %s", s.bounds.describe().c_str());
    if (!s.choices.empty()) std::printf("; one of: %s", join(s.choices).c_str());
    std::printf("\n");
  }
}

int cmd_describe(const po::variables_map& vm, const std::vector<std::string>& args) {
  if (args.size() == 1 && args[0] == "training") {
    std::printf("[training] table of an experiment file (host)\n");
    print_schema(training_schema());
    return 0;
  }
  if (args.size() != 2) throw UsageError("describe needs KIND NAME (or `describe training`)");
  const std::vector<std::string> kinds = {"dataset", "model", "task", "optimizer"};
  auto it = std::find(kinds.begin(), kinds.end(), args[0]);
  if (it == kinds.end())
    throw UsageError("unknown kind '" + args[0] + "'" + did_you_mean(args[0], kinds) +
                     " (accepted: " + join(kinds) + ", training)");
  const Kind kind = static_cast<Kind>(it - kinds.begin());
  const auto registry = load_plugins(vm);
  const CatalogEntry* e = registry->find(kind, args[1]);
  if (!e)
    throw std::runtime_error("no " + args[0] + " named '" + args[1] + "'" + did_you_mean(args[1], registry->names(kind)) +
                             " (available: " + join(registry->names(kind)) + ")");
  std::printf("%s %s: %s\nplugin %s %s (%s)\n", args[0].c_str(), e->name.c_str(), e->description.c_str(),
              e->plugin.c_str(), e->plugin_version.c_str(), e->path.c_str());
  print_schema(*e->schema);
  if (kind == Kind::kOptimizer) {
    const Capabilities& c = registry->capabilities(e->name);
    std::printf("capabilities: %d gradient evaluation(s) per step%s, %s state tensor(s) per parameter, %s\n",
                c.gradient_evaluations, c.gradient_evaluations > 1 ? " (calls the closure)" : "",
                format_number(c.state_per_parameter).c_str(),
                c.param_groups ? "per-group lr and weight decay" : "one lr and weight decay for all parameters");
  }
  return 0;
}

int cmd_experiment(const std::string& command, const po::variables_map& vm, const std::vector<std::string>& args) {
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
    spdlog::info("rank {} of {}: connecting to {}:{}", launch->rank, launch->world_size, launch->master_addr,
                 launch->master_port);
  const int not_completed = jobs > 1 ? run_experiment_in_workers(ex, overrides, *registry, jobs, host_command(vm))
                                     : run_experiment(ex, overrides, *registry, launch ? connect(*launch) : nullptr);
  if (not_completed) spdlog::error("{} run(s) did not complete", not_completed);
  return not_completed ? 1 : 0;
}

int cmd_replay(const po::variables_map& vm, const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("replay needs at least one golden JSON file");
  torch::set_num_threads(1);  // as the references were generated
  const auto registry = load_plugins(vm);
  int failures = 0;
  for (const auto& file : args) failures += replay_golden(file, *registry);
  return failures ? 1 : 0;
}

int cmd_conformance(const po::variables_map& vm, const std::vector<std::string>& args) {
  if (args.empty()) throw UsageError("conformance needs at least one optimizer name");
  torch::set_num_threads(1);  // tiny problems: threads only add overhead
  const auto registry = load_plugins(vm);
  int failures = 0;
  for (const auto& name : args) failures += run_conformance(name, *registry);
  return failures ? 1 : 0;
}

po::options_description score_options() {
  po::options_description o("score options");
  o.add_options()
      ("hyp", po::value<std::string>(), "hypotheses, one segment per line")
      ("ref", po::value<std::vector<std::string>>()->composing(), "references, one segment per line (repeatable)")
      ("json", "print JSON")
      ("tokenize", po::value<std::string>()->default_value("13a"), "BLEU: 13a or none (as sacreBLEU's -tok)")
      ("lowercase", "BLEU: case-insensitive (as sacreBLEU's -lc)")
      ("types", po::value<std::string>()->default_value("rouge1,rouge2,rougeL,rougeLsum"),
       "ROUGE: comma-separated rouge1..rouge9, rougeL, rougeLsum")
      ("stem", "ROUGE: Porter-stem words longer than 3 characters (rouge-score's --use_stemmer)")
      ("help,h", "show this help");
  return o;
}

int cmd_score(const po::variables_map& vm, const std::vector<std::string>& args) {
  const std::vector<std::string> metrics = {"bleu", "rouge", "squad", "seqeval"};
  if (args.empty() || std::find(metrics.begin(), metrics.end(), args[0]) == metrics.end())
    throw UsageError("score needs the metric: " + join(metrics) +
                     (args.empty() ? std::string() : did_you_mean(args[0], metrics)));
  ScoreRequest r;
  r.metric = args[0];
  r.files.assign(args.begin() + 1, args.end());
  if (r.metric == "bleu" || r.metric == "rouge") {
    if (!vm.count("hyp") || !vm.count("ref") || !r.files.empty())
      throw UsageError("score " + r.metric + " needs --hyp FILE and at least one --ref FILE");
    r.hypotheses = vm["hyp"].as<std::string>();
    r.references = vm["ref"].as<std::vector<std::string>>();
  }
  if (r.metric == "squad" && r.files.size() != 2)
    throw UsageError("score squad needs DATASET.json PREDICTIONS.json (the official evaluate-v1.1.py's inputs)");
  if (r.metric == "seqeval" && r.files.size() != 1)
    throw UsageError("score seqeval needs one file of token, gold tag, predicted tag columns");
  r.json = vm.count("json") > 0;
  r.tokenize = vm["tokenize"].as<std::string>();
  r.lowercase = vm.count("lowercase") > 0;
  r.rouge_types = split_commas(vm["types"].as<std::string>());
  for (const auto& type : r.rouge_types) {
    const bool n_gram = type.size() == 6 && type.rfind("rouge", 0) == 0 && type[5] >= '1' && type[5] <= '9';
    if (!n_gram && type != "rougeL" && type != "rougeLsum")
      throw UsageError("--types: unknown ROUGE type '" + type + "' (accepted: rouge1 to rouge9, rougeL, rougeLsum)");
  }
  r.use_stemmer = vm.count("stem") > 0;
  score_files(r);
  return 0;
}

po::options_description report_options() {
  po::options_description o("report options");
  o.add_options()
      ("output,o", po::value<std::string>(), "the HTML file to write (default: RESULTS_DIR/report.html)")
      ("assets", po::value<std::string>(), "directory of vega_bundle.js (Vega, Vega-Lite, vega-embed) "
       "(default: share/optbench/report beside the host's bin/)")
      ("help,h", "show this help");
  return o;
}

int cmd_report(const po::variables_map& vm, const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("report needs one results directory (an experiment's, or output_dir)");
  const fs::path dir = args[0];
  const auto experiments = read_results(dir);
  if (experiments.empty())
    throw std::runtime_error(dir.string() + ": no experiment results here (a directory with experiment.json, "
                             "or one whose subdirectories have it; `optbench-host run` writes them)");
  const nlohmann::json analysis = analyse(experiments);
  const fs::path html = vm.count("output") ? fs::path(vm["output"].as<std::string>()) : dir / "report.html";
  const fs::path assets = vm.count("assets") ? fs::path(vm["assets"].as<std::string>()) : default_report_assets();
  for (const auto& ex : experiments) write_csv_tables(ex);
  write_text_atomically(html.parent_path() / "analysis.json", analysis.dump(2) + "\n");
  write_text_atomically(html, report_html(analysis, assets));
  std::printf("report: %s (%zu experiment(s)); numbers: %s\n", html.string().c_str(), experiments.size(),
              (html.parent_path() / "analysis.json").string().c_str());
  return 0;
}

po::options_description submit_options() {
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

int cmd_submit(const po::variables_map& vm, const std::vector<std::string>& args) {
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

int cmd_run_one(const po::variables_map& vm, const std::vector<std::string>& args) {
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

po::options_description data_options() {
  po::options_description o("data options");
  o.add_options()
      ("root", po::value<std::string>(), "put the files here instead of the dataset's usual directory")
      ("sources", po::value<std::string>()->default_value(""),
       "a sources file of your own (format: share/optbench/data_sources.toml) instead of the built-in one")
      ("help,h", "show this help");
  return o;
}

int cmd_data(const po::variables_map& vm, const std::vector<std::string>& args) {
  const std::vector<std::string> subcommands = {"fetch", "list"};
  if (args.empty() || std::find(subcommands.begin(), subcommands.end(), args[0]) == subcommands.end())
    throw UsageError("data needs a subcommand (accepted: " + join(subcommands) + ")" +
                     (args.empty() ? "" : did_you_mean(args[0], subcommands)));
  const std::string file = vm["sources"].as<std::string>().empty() ? default_data_sources_path()
                                                                   : vm["sources"].as<std::string>();
  const std::vector<DataSource> sources = load_data_sources(file);
  if (args[0] == "list") {
    if (args.size() > 1) throw UsageError("data list takes no arguments");
    std::fputs(data_sources_table(sources).c_str(), stdout);
    return 0;
  }
  const std::vector<std::string> names(args.begin() + 1, args.end());
  if (names.empty()) throw UsageError("data fetch needs dataset names (see optbench-host data list)");
  if (vm.count("root") && names.size() > 1) throw UsageError("--root takes one dataset at a time");
  std::vector<const DataSource*> chosen;
  for (const auto& name : names) {
    try {
      chosen.push_back(&find_data_source(sources, name));
    } catch (const std::invalid_argument& e) {
      throw UsageError(file + ": " + e.what());
    }
  }
  for (const DataSource* source : chosen)
    fetch_dataset(*source, vm.count("root") ? vm["root"].as<std::string>() : source->root);
  return 0;
}

int cmd_status(const std::vector<std::string>& args) {
  if (args.size() != 1) throw UsageError("status needs one results directory");
  std::fputs(status_text(args[0]).c_str(), stdout);
  return 0;
}

int dispatch(int argc, char** argv) {
  if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h" ||
      std::string(argv[1]) == "help") {
    std::fputs(kUsage, argc < 2 ? stderr : stdout);
    return argc < 2 ? 2 : 0;
  }
  const std::string command = argv[1];
  if (command == "--version") {
    std::printf("optbench-host %s (SDK ABI %u)\nLibTorch %s, %s\ndata-parallel c10d backends: %s\n",
                OPTBENCH_VERSION, OPTBENCH_SDK_ABI_VERSION, TORCH_VERSION, accelerator_description().c_str(),
                *c10d_backend() ? c10d_backend() : "none built (install libgloo-dev and build again)");
    return 0;
  }
  const std::vector<std::string> commands = {"run",    "validate",    "plugins", "describe",
                                             "replay", "conformance", "score",   "report",
                                             "run-one", "status",      "submit",  "data"};
  if (std::find(commands.begin(), commands.end(), command) == commands.end())
    throw UsageError("unknown command '" + command + "'" + did_you_mean(command, commands) +
                     " (accepted: " + join(commands) + ")");

  po::options_description options(command + " options");
  if (command == "score") options.add(score_options());
  else if (command == "report") options.add(report_options());
  else if (command == "status") options.add_options()("help,h", "show this help");
  else if (command == "data") options.add(data_options());
  else options.add(plugin_options());
  if (command == "run" || command == "validate" || command == "submit") options.add(override_options());
  if (command == "submit") options.add(submit_options());
  if (command == "run") options.add(run_options());
  if (command == "run-one")
    options.add_options()("threads", po::value<std::int64_t>(), "intra-op threads (replaces [training] threads)");
  po::options_description hidden;
  hidden.add_options()("args", po::value<std::vector<std::string>>()->composing(), "arguments");
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("args", -1);
  po::variables_map vm;
  try {
    po::store(po::command_line_parser(argc - 1, argv + 1).options(all).positional(positional).run(), vm);
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(std::string(e.what()));
  }
  std::vector<std::string> args;
  if (vm.count("args")) args = vm["args"].as<std::vector<std::string>>();
  if (!args.empty() && args[0] == command) args.erase(args.begin());  // argv[1] itself
  if (vm.count("help")) {
    std::cout << "usage: optbench-host " << command
              << (command == "describe" ? " KIND NAME" : command == "replay" ? " FILE.json..." :
                  command == "conformance" ? " OPTIMIZER..." : command == "score" ? " bleu|rouge|squad|seqeval [FILES]" :
                  command == "report" || command == "status" ? " RESULTS_DIR" :
                  command == "run-one" ? " MANIFEST INDEX" : command == "data" ? " fetch NAME...|list" :
                  command == "plugins" ? "" : " FILE.toml")
              << " [options]\n\n" << options << "\n";
    return 0;
  }
  if (command == "plugins") return cmd_plugins(vm);
  if (command == "describe") return cmd_describe(vm, args);
  if (command == "replay") return cmd_replay(vm, args);
  if (command == "conformance") return cmd_conformance(vm, args);
  if (command == "score") return cmd_score(vm, args);
  if (command == "report") return cmd_report(vm, args);
  if (command == "status") return cmd_status(args);
  if (command == "run-one") return cmd_run_one(vm, args);
  if (command == "submit") return cmd_submit(vm, args);
  if (command == "data") return cmd_data(vm, args);
  return cmd_experiment(command, vm, args);
}

int run_host(int argc, char** argv) {
  try {
    return dispatch(argc, argv);
  } catch (const Interrupted& e) {
    std::fprintf(stderr, "optbench-host: %s\n", e.what());
    return 3;
  } catch (const UsageError& e) {
    std::fprintf(stderr, "optbench-host: %s\n(see optbench-host --help)\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "optbench-host: %s\n", message_of(e).c_str());
    return 1;
  }
}

}  // namespace

int main(int argc, char** argv) {
  // OpenMP threads that spin while they wait take the cores from OpenBLAS's own threads (Debian's
  // LibTorch runs both pools). Passive waiting made an LSTM step 3x and a GPT step 1.2x faster on
  // 2 cores (bench/README.md). libgomp reads the setting once, when it is loaded before main(),
  // so `run` starts itself again with it, unless the user chose a policy.
  if (argc > 1 && (std::string(argv[1]) == "run" || std::string(argv[1]) == "run-one") &&
      !std::getenv("OMP_WAIT_POLICY")) {
    setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    execv("/proc/self/exe", argv);  // returns only if it failed: go on as we are
  }
  // Keep freed tensor memory in the process: by default glibc maps each block of over 32 MB
  // afresh (a page fault per 4 KiB, every step) and returns freed heap tops to the kernel.
  // Measured in bench/: GPT steps (545 MB of logits) 1.2-1.5x faster, ResNet-18 steps about 1.1x.
  mallopt(M_MMAP_THRESHOLD, 1 << 30);
  mallopt(M_TRIM_THRESHOLD, std::numeric_limits<int>::max());
  spdlog::set_pattern("%H:%M:%S %^%l%$ %v");
  const int code = run_host(argc, argv);
  // Every result file is written and closed by now. Skipping static destructors saves ~50 ms
  // a call: at exit LibTorch deregisters each of its operator kernels one by one.
  spdlog::shutdown();
  std::cout.flush();
  std::fflush(nullptr);
#ifdef __SANITIZE_ADDRESS__
  __lsan_do_leak_check();  // _Exit skips LeakSanitizer's own check at exit
#endif
  std::_Exit(code);
}
