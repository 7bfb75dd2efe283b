// `run --jobs N`: runs in worker processes give the same results as one process, a crashed
// worker is recorded and the others finish, and `status` tells which is which.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <thread>

#include "fixtures.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace optbench::testing;

namespace {

std::map<std::string, json> summaries(const fs::path& experiment_dir) {
  std::map<std::string, json> out;
  for (const auto& d : run_dirs(experiment_dir)) out[d.filename().string()] = read_json(d / "summary.json");
  return out;
}

}  // namespace

TEST_F(HostTest, JobsGiveTheSameResultsAsOneProcess) {
  write_idx_dataset(dir_ / "data", 300, 100);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "unused", "[\"adam\", \"sgd_momentum\"]"));
  const std::string common = "run '" + exp.string() + "' --seeds 1,2 --epochs 2 --output-dir ";
  const auto one = run_host(common + "'" + (dir_ / "one").string() + "'");
  ASSERT_EQ(one.exit_code, 0) << one.output;
  const auto two = run_host(common + "'" + (dir_ / "two").string() + "' --jobs 2");
  ASSERT_EQ(two.exit_code, 0) << two.output;

  const auto a = summaries(dir_ / "one" / "fixture"), b = summaries(dir_ / "two" / "fixture");
  ASSERT_EQ(a.size(), 4u);
  ASSERT_EQ(b.size(), 4u);
  for (const auto& [name, s] : a) {
    ASSERT_TRUE(b.count(name)) << name;  // the same runs, in the same directories
    const json& t = b.at(name);
    EXPECT_EQ(t["status"], "completed");
    for (const char* key : {"final_train_loss", "best_validation", "test", "steps", "best_epoch"})
      EXPECT_EQ(s[key], t[key]) << name << " " << key;
    EXPECT_TRUE(fs::exists(dir_ / "two" / "fixture" / "logs" / (name.substr(0, name.rfind('_')) + ".log")));
  }
  const std::string csv = read_file(dir_ / "two" / "fixture" / "summary.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 5) << csv;

  const auto status = run_host("status '" + (dir_ / "two").string() + "'");
  EXPECT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(status.output, "fixture: 4 runs: 4 completed\n");
}

TEST_F(HostTest, CrashedWorkerIsRecordedAndTheOthersFinish) {
  write_idx_dataset(dir_ / "data", 600, 100);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\", \"sgd_momentum\"]"));
  const pid_t host = start_host({"run", exp.string(), "--jobs", "2", "--seeds", "1,2", "--epochs", "30"},
                                dir_ / "host.log");
  // Kill the first worker seen running, as the kernel's OOM killer would.
  pid_t victim = 0;
  fs::path victim_dir;
  for (int i = 0; i < 3000 && !victim; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (!fs::exists(dir_ / "out" / "fixture")) continue;
    for (const auto& d : run_dirs(dir_ / "out" / "fixture"))
      if (fs::exists(d / "running.json") && fs::exists(d / "metrics.jsonl")) {
        try {
          victim = read_json(d / "running.json")["pid"].get<pid_t>();
          victim_dir = d;
        } catch (const std::exception&) {
        }
        break;
      }
  }
  ASSERT_NE(victim, 0);
  kill(victim, SIGKILL);
  int status = 0;
  waitpid(host, &status, 0);
  const std::string log = read_file(dir_ / "host.log");
  ASSERT_TRUE(WIFEXITED(status)) << log;
  EXPECT_EQ(WEXITSTATUS(status), 1) << log;  // one run did not complete

  const auto runs = summaries(dir_ / "out" / "fixture");
  ASSERT_EQ(runs.size(), 4u);
  for (const auto& [name, s] : runs) {
    if (name == victim_dir.filename().string()) {
      EXPECT_EQ(s["status"], "failed");
      EXPECT_NE(s["error"].get<std::string>().find("killed by signal 9 (Killed)"), std::string::npos) << s;
    } else {
      EXPECT_EQ(s["status"], "completed") << name;
    }
  }
  const auto before = run_host("status '" + (dir_ / "out" / "fixture").string() + "'");
  EXPECT_NE(before.output.find("fixture: 4 runs: 3 completed, 1 failed\n"), std::string::npos) << before.output;

  // Running it again trains only the killed run (from its last checkpoint).
  const auto again = run_host("run '" + exp.string() + "' --jobs 2 --seeds 1,2 --epochs 30");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_EQ(read_json(victim_dir / "summary.json")["status"], "completed");
  EXPECT_EQ(run_host("status '" + (dir_ / "out").string() + "'").output, "fixture: 4 runs: 4 completed\n");
}

TEST_F(HostTest, RunOneRefusesABadIndexAndAStaleManifest) {
  write_idx_dataset(dir_ / "data", 100, 20);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\"]"));
  ASSERT_EQ(run_host("run '" + exp.string() + "' --epochs 1").exit_code, 0);
  const fs::path manifest = dir_ / "out" / "fixture" / "manifest.jsonl";
  const auto bad = run_host("run-one '" + manifest.string() + "' 5");
  EXPECT_EQ(bad.exit_code, 1);
  EXPECT_NE(bad.output.find("manifest.jsonl: no run 5 (the manifest has 1, numbered from 0)"), std::string::npos)
      << bad.output;
  const auto word = run_host("run-one '" + manifest.string() + "' first");
  EXPECT_EQ(word.exit_code, 2);
  EXPECT_NE(word.output.find("INDEX must be a run number, got 'first'"), std::string::npos) << word.output;
  const auto done = run_host("run-one '" + manifest.string() + "' 0");
  EXPECT_EQ(done.exit_code, 0) << done.output;
  EXPECT_NE(done.output.find("already completed"), std::string::npos) << done.output;
}
