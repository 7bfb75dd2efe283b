#include "scale/slurm.h"

#include <sys/wait.h>

#include <cstdio>
#include <sstream>

#include "results/atomic_file.h"
#include "results/results.h"

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string command_line(const std::vector<std::string>& args) {
  std::string out;
  for (const auto& a : args) out += (out.empty() ? "" : " ") + shell_quote(a);
  return out;
}

// Runs sbatch --parsable and returns the job id (the text before any ";cluster").
std::string sbatch(const std::vector<std::string>& args) {
  const std::string command = command_line(args) + " 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) throw std::runtime_error("cannot run sbatch");
  std::string output;
  char buffer[512];
  while (std::fgets(buffer, sizeof(buffer), pipe)) output += buffer;
  const int status = pclose(pipe);
  while (!output.empty() && (output.back() == '\n' || output.back() == '\r')) output.pop_back();
  if (status != 0) {
    if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
      throw std::runtime_error("sbatch not found: install Slurm's client (Debian: slurm-client), or train on this "
                               "machine with `run --jobs N`");
    throw std::runtime_error(command_line(args) + " failed: " + output);
  }
  const std::string id = output.substr(0, output.find(';'));
  if (id.empty() || id.find_first_not_of("0123456789") != std::string::npos)
    throw std::runtime_error("sbatch answered '" + output + "', not a job id");
  return id;
}

std::string header(const std::string& name, const SlurmOptions& o, std::int64_t cpus, const fs::path& log) {
  std::ostringstream s;
  s << "#!/bin/bash\n"
    << "#SBATCH --job-name=" << name << "\n"
    << "#SBATCH --output=" << log.string() << "\n"
    << "#SBATCH --open-mode=append\n"  // a resubmitted run's log goes on where it stopped
    << "#SBATCH --cpus-per-task=" << cpus << "\n";
  if (!o.partition.empty()) s << "#SBATCH --partition=" << o.partition << "\n";
  if (!o.time_limit.empty()) s << "#SBATCH --time=" << o.time_limit << "\n";
  return s.str();
}

}  // namespace

std::string array_ranges(const std::vector<std::size_t>& indices) {
  std::string out;
  for (std::size_t i = 0; i < indices.size();) {
    std::size_t j = i;
    while (j + 1 < indices.size() && indices[j + 1] == indices[j] + 1) ++j;
    out += (out.empty() ? "" : ",") + std::to_string(indices[i]) + (j > i ? "-" + std::to_string(indices[j]) : "");
    i = j + 1;
  }
  return out;
}

std::string submit_to_slurm(const ExperimentPlan& plan, std::int64_t training_threads, const HostCommand& host,
                            const SlurmOptions& o) {
  std::vector<std::size_t> indices;
  for (std::size_t i = 0; i < plan.runs.size(); ++i)
    if (!o.only_unfinished || !completed_run(plan.dirs[i])) indices.push_back(i);
  if (indices.empty()) return "all " + std::to_string(plan.runs.size()) + " runs have completed: nothing to submit\n";

  const std::int64_t cpus = o.cpus_per_task > 0 ? o.cpus_per_task : std::max<std::int64_t>(1, training_threads);
  const fs::path dir = plan.root / "slurm", logs = plan.root / "logs";
  fs::create_directories(dir);
  fs::create_directories(logs);
  const std::string name = "optbench-" + plan.root.filename().string();

  std::vector<std::string> run_one{host.executable, "run-one", (plan.root / "manifest.jsonl").string()};
  std::string array = header(name, o, cpus, logs / "slurm-%a.log");
  array += "#SBATCH --array=" + array_ranges(indices) +
           (o.array_parallelism > 0 ? "%" + std::to_string(o.array_parallelism) : "") + "\n";
  // USR1 90 s before the time limit, to this shell, which exec makes the host: it checkpoints and
  // stops; resubmitting resumes the run.
  array += "#SBATCH --signal=B:USR1@90\n";
  std::vector<std::string> tail{"--threads", std::to_string(cpus)};
  tail.insert(tail.end(), host.plugin_args.begin(), host.plugin_args.end());
  array += "exec " + command_line(run_one) + " \"$SLURM_ARRAY_TASK_ID\" " + command_line(tail) + "\n";
  write_text_atomically(dir / "array.sbatch", array);

  std::string aggregate = header(name + "-aggregate", o, 1, logs / "slurm-aggregate.log");
  aggregate += "exec " + command_line({host.executable, "report", plan.root.string()}) + "\n";
  write_text_atomically(dir / "aggregate.sbatch", aggregate);

  const std::vector<std::string> submit_array{"sbatch", "--parsable", (dir / "array.sbatch").string()};
  std::ostringstream out;
  if (o.dry_run) {
    out << "would submit " << indices.size() << " run(s): " << command_line(submit_array) << "\n"
        << "then: sbatch --parsable --dependency=afterany:JOBID " << shell_quote((dir / "aggregate.sbatch").string())
        << "\n";
    return out.str();
  }
  const std::string array_job = sbatch(submit_array);
  const std::string aggregate_job =
      sbatch({"sbatch", "--parsable", "--dependency=afterany:" + array_job, (dir / "aggregate.sbatch").string()});
  out << "submitted " << indices.size() << " run(s) as job array " << array_job << " (--array="
      << array_ranges(indices) << "), aggregation job " << aggregate_job << " after it\n"
      << "logs: " << logs.string() << "/slurm-INDEX.log; progress: optbench-host status " << plan.root.string()
      << "\n";
  return out.str();
}

}  // namespace optbench::core
