#include "scale/run_jobs.h"

#include <fcntl.h>
#include <signal.h>
#include <spdlog/spdlog.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "results/atomic_file.h"
#include "results/results.h"
#include "training/checkpoint.h"
#include "training/device.h"

namespace fs = std::filesystem;
using json = nlohmann::json;

namespace optbench::core {

namespace {

std::string host_name() {
  char name[256] = {};
  gethostname(name, sizeof(name) - 1);
  return name;
}

// Starts `args` with stdout and stderr appended to `log`, in this process's environment with
// `variables` ("NAME=value") added or replacing theirs.
pid_t spawn(const std::vector<std::string>& args, const fs::path& log, const std::vector<std::string>& variables) {
  // Built before fork: the child of a multithreaded process only calls async-signal-safe functions.
  std::vector<std::string> environment;
  for (char** e = environ; *e; ++e) {
    const std::string entry = *e;
    bool replaced = false;
    for (const auto& v : variables) replaced = replaced || entry.compare(0, v.find('=') + 1, v, 0, v.find('=') + 1) == 0;
    if (!replaced) environment.push_back(entry);
  }
  environment.insert(environment.end(), variables.begin(), variables.end());
  std::vector<char*> envp, argv;
  for (auto& e : environment) envp.push_back(e.data());
  envp.push_back(nullptr);
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  const pid_t pid = fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a worker: ") + std::strerror(errno));
  if (pid == 0) {
    const int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (fd >= 0) {
      dup2(fd, STDOUT_FILENO);
      dup2(fd, STDERR_FILENO);
      close(fd);
    }
    execve(argv[0], argv.data(), envp.data());
    std::fprintf(stderr, "cannot run %s: %s\n", argv[0], std::strerror(errno));
    _exit(127);
  }
  return pid;
}

std::string describe_exit(int status) {
  if (WIFSIGNALED(status)) return std::string("killed by signal ") + std::to_string(WTERMSIG(status)) + " (" +
                                  strsignal(WTERMSIG(status)) + ")";
  return "exit code " + std::to_string(WEXITSTATUS(status));
}

// completed, failed, diverged, running, interrupted, or not started; `detail` says more.
std::string run_state(const RunRecord& run, std::string& detail) {
  const std::string status = run.summary.value("status", "");
  if (!status.empty() && status != "not run") {
    detail = run.summary.value("error", "");
    return status;
  }
  std::ifstream marker(run.dir / "running.json");
  if (marker) {
    json m = json::parse(marker, nullptr, /*allow_exceptions=*/false);
    const std::string host = m.is_object() ? m.value("host", "") : "";
    const int pid = m.is_object() ? m.value("pid", 0) : 0;
    if (host != host_name() || (pid > 0 && kill(pid, 0) == 0)) {
      detail = "on " + host + ", process " + std::to_string(pid);
      return "running";
    }
    detail = "its process " + std::to_string(pid) + " on " + host + " is gone";
    return "interrupted";
  }
  if (fs::exists(run.dir / "checkpoint.pt")) {
    detail = "resumes from its checkpoint";
    return "interrupted";
  }
  return "not started";
}

}  // namespace

RunningMarker::RunningMarker(const fs::path& run_dir) : path_(run_dir / "running.json") {
  fs::create_directories(run_dir);
  write_text_atomically(path_, json{{"host", host_name()}, {"pid", getpid()}}.dump() + "\n");
}

RunningMarker::~RunningMarker() {
  std::error_code ignored;
  fs::remove(path_, ignored);
}

int run_manifest_entry(const fs::path& manifest, std::size_t index, const PluginRegistry& registry,
                       std::optional<std::int64_t> threads) {
  const fs::path root = fs::absolute(manifest).parent_path();
  const json info = read_json_file(root / "experiment.json");
  std::vector<json> entries;
  {
    std::ifstream in(manifest);
    if (!in) throw std::runtime_error(manifest.string() + ": cannot be read");
    std::string line;
    while (std::getline(in, line))
      if (!line.empty()) entries.push_back(json::parse(line));
  }
  if (index >= entries.size())
    throw std::runtime_error(manifest.string() + ": no run " + std::to_string(index) + " (the manifest has " +
                             std::to_string(entries.size()) + ", numbered from 0)");
  Overrides overrides = overrides_from_json(info.at("invocation").at("overrides"));
  if (threads) overrides.threads = *threads;
  Experiment ex = load_experiment((root / info.at("invocation").at("file").get<std::string>()).string(), registry,
                                  overrides);
  ex.file = info.at("file").get<std::string>();  // as the plan was made: part of every run's config
  const ExperimentPlan plan = plan_experiment(ex, registry);
  const std::string dir = entries[index].at("dir");
  if (index >= plan.runs.size() || plan.dirs[index].filename() != dir)
    throw std::runtime_error(manifest.string() + ": run " + std::to_string(index) + " (" + dir +
                             ") is not what the experiment gives now (the plugins or their defaults changed?); "
                             "run the experiment again to write a new manifest");
  const Assembly assembly = assemble(ex, registry);
  install_stop_handlers();
  return run_planned(assembly, plan, index).value("status", "") == "completed" ? 0 : 1;
}

std::vector<std::string> visible_gpus(const char* cuda_visible_devices, int count) {
  std::vector<std::string> gpus;
  if (cuda_visible_devices) {
    std::stringstream list(cuda_visible_devices);
    for (std::string id; std::getline(list, id, ',');)
      if (!id.empty() && static_cast<int>(gpus.size()) < count) gpus.push_back(id);
  } else {
    for (int i = 0; i < count; ++i) gpus.push_back(std::to_string(i));
  }
  return gpus;
}

std::string least_used_gpu(const std::vector<std::string>& gpus, const std::map<pid_t, std::string>& in_use) {
  std::string best;
  std::size_t fewest = SIZE_MAX;
  for (const auto& gpu : gpus) {
    std::size_t n = 0;
    for (const auto& [pid, g] : in_use) n += g == gpu;
    if (n < fewest) {
      fewest = n;
      best = gpu;
    }
  }
  return best;
}

void run_in_workers(const ExperimentPlan& plan, int jobs, std::int64_t threads, const HostCommand& host,
                    const std::vector<std::string>& gpus) {
  fs::create_directories(plan.root / "logs");
  std::map<pid_t, std::size_t> running;
  std::map<pid_t, std::string> gpu_of;  // the GPU each running worker sees
  std::size_t next = 0;
  bool forwarded = false;
  while (true) {
    while (static_cast<int>(running.size()) < jobs && next < plan.runs.size() && !stop_requested()) {
      const std::size_t i = next++;
      if (completed_run(plan.dirs[i])) {
        spdlog::info("{} already completed: skipped", plan.runs[i].label);
        continue;
      }
      std::vector<std::string> args{host.executable, "run-one", (plan.root / "manifest.jsonl").string(),
                                    std::to_string(i), "--threads", std::to_string(threads)};
      args.insert(args.end(), host.plugin_args.begin(), host.plugin_args.end());
      const fs::path log = plan.root / "logs" / (plan.runs[i].id + ".log");
      const std::string gpu = least_used_gpu(gpus, gpu_of);
      const pid_t pid = spawn(args, log, gpu.empty() ? std::vector<std::string>{}
                                                     : std::vector<std::string>{"CUDA_VISIBLE_DEVICES=" + gpu});
      running[pid] = i;
      if (!gpu.empty()) gpu_of[pid] = gpu;
      spdlog::info("{} started{}, log {}", plan.runs[i].label, gpu.empty() ? "" : " on GPU " + gpu, log.string());
    }
    if (running.empty()) break;
    if (stop_requested() && !forwarded) {  // workers checkpoint at their epoch's end, then stop
      for (const auto& [pid, i] : running) kill(pid, SIGTERM);
      forwarded = true;
    }
    // Polled, so that a stop request (the handler restarts a blocking wait) reaches the workers at once.
    int status = 0;
    const pid_t pid = waitpid(-1, &status, WNOHANG);
    if (pid == 0 || (pid < 0 && errno == EINTR)) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    if (pid < 0) throw std::runtime_error(std::string("waiting for the workers: ") + std::strerror(errno));
    const auto it = running.find(pid);
    if (it == running.end()) continue;
    const std::size_t i = it->second;
    running.erase(it);
    gpu_of.erase(pid);
    const fs::path dir = plan.dirs[i];
    if (WIFSIGNALED(status) && !fs::exists(dir / "summary.json")) {
      // The worker could not record its own end: record it here, so the sweep's tables show it.
      const std::string error = "the worker was " + describe_exit(status) + "; see logs/" + plan.runs[i].id + ".log";
      write_text_atomically(dir / "summary.json",
                            json{{"optimizer", plan.runs[i].optimizer.name}, {"seed", plan.runs[i].seed},
                                 {"status", "failed"}, {"error", error}}.dump(2) + "\n");
      fs::remove(dir / "running.json");
    }
    const auto summary = completed_run(dir);
    spdlog::info("{} {} ({})", plan.runs[i].label, summary ? "completed" : "did not complete", describe_exit(status));
  }
  if (stop_requested())
    throw Interrupted("stopped: the workers checkpointed; run the same command again to resume");
}

int run_experiment_in_workers(const Experiment& ex, const Overrides& overrides, const PluginRegistry& registry,
                              int jobs, const HostCommand& host) {
  const ExperimentPlan plan = plan_experiment(ex, registry);
  const std::int64_t cores = std::max(1u, std::thread::hardware_concurrency());
  const std::int64_t threads = ex.training.threads > 0 ? ex.training.threads : std::max<std::int64_t>(1, cores / jobs);
  spdlog::info("experiment '{}': {} run(s) in {} workers of {} thread(s); results in {}", ex.name, plan.runs.size(),
               jobs, threads, plan.root.string());
  const Assembly assembly = assemble(ex, registry);  // every check of a sequential run, before any worker starts
  install_stop_handlers();
  write_experiment_files(ex, overrides, *assembly.task, plan);
  // On GPUs, each worker sees one (CUDA_VISIBLE_DEVICES), the one with the fewest workers.
  const auto gpus = assembly.device.is_cuda() ? visible_gpus(std::getenv("CUDA_VISIBLE_DEVICES"), cuda_device_count())
                                              : std::vector<std::string>{};
  if (!gpus.empty()) spdlog::info("one run per GPU at a time where jobs allow: GPUs {}", fmt::join(gpus, ", "));
  run_in_workers(plan, jobs, threads, host, gpus);
  return finish_experiment(assembly, plan);
}

std::string status_text(const fs::path& dir) {
  const auto experiments = read_results(dir);
  if (experiments.empty())
    throw std::runtime_error(dir.string() + ": no experiment results here (a directory with experiment.json, or "
                             "one whose subdirectories have it)");
  std::ostringstream out;
  for (const auto& ex : experiments) {
    std::map<std::string, int> counts;
    std::ostringstream details;
    for (std::size_t i = 0; i < ex.runs.size(); ++i) {
      std::string detail;
      const std::string state = run_state(ex.runs[i], detail);
      ++counts[state];
      if (state != "completed")
        details << "  " << i << " " << ex.runs[i].id << ": " << state << (detail.empty() ? "" : " (" + detail + ")")
                << "\n";
    }
    std::string summary;
    for (const auto& [state, n] : counts) summary += (summary.empty() ? "" : ", ") + std::to_string(n) + " " + state;
    out << ex.info.value("name", ex.dir.filename().string()) << ": " << ex.runs.size() << " runs: " << summary << "\n"
        << details.str();
  }
  return out.str();
}

}  // namespace optbench::core
