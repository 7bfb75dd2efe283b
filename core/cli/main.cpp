// optbench-host: loads plugins and runs experiments. See README.md.
#include <spdlog/spdlog.h>
#include <torch/torch.h>

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

#include "cli/commands.h"
#include "cli/host_options.h"
#include "common/diagnostics.h"
#include "training/checkpoint.h"
#include "training/collectives.h"
#include "training/device.h"

namespace po = boost::program_options;
using namespace optbench;
using namespace optbench::cli;
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
                         `describe training` shows the [training] table, `describe --markdown`
                         every table and key, as in docs/experiment-file.md)
  replay FILE.json...    replay golden optimizer trajectories and compare step by step
  conformance NAME...    the checks every optimizer plugin should pass (pass/fail table)
  score METRIC ...       score any system's output: bleu|rouge --hyp FILE --ref FILE...,
                         squad DATASET.json PREDICTIONS.json, seqeval CONLL_FILE,
                         miou PREDICTIONS LABELS --classes N (PNG label maps, as mmsegmentation)
  report RESULTS_DIR     analyses of the experiments in RESULTS_DIR: report.html (self-contained)
                         and analysis.json
  data fetch NAME...     download a dataset where the experiment files look for it, check its size
                         and checksum, extract it (`data list` shows what can be fetched)

`optbench-host COMMAND --help` shows the options of a command; `optbench-host --version` the
versions, LibTorch's CUDA and the GPUs it sees, and the data-parallel (c10d) backends built in.
)";

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
  if (command == "describe")
    options.add_options()("markdown", "every table and key of an experiment file, with the loaded components' "
                                      "parameters, as Markdown (the generated part of docs/experiment-file.md)");
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
                  command == "conformance" ? " OPTIMIZER..." : command == "score" ? " bleu|rouge|squad|seqeval|miou [FILES]" :
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
