// What a long sweep must survive: SIGKILL at any moment (the rerun resumes to the same result and no
// result file is ever torn), a diverging run (recorded with its step, the others go on), and plugin
// files that other users could have replaced (refused unless allowed).
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <random>
#include <thread>

#include "fixtures.h"
#include "tfrecord_reader.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace optbench::testing;

TEST_F(HostTest, DivergingRunIsRecordedWithItsStepAndTheSweepGoesOn) {
  write_idx_dataset(dir_ / "data", 300, 50);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "out", "[\"sgd\"]") + "[sweep]\nlr = [0.05, 1e12]\n");
  const auto r = run_host("run '" + exp.string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;  // one run did not complete
  EXPECT_NE(r.output.find("diverged: "), std::string::npos) << r.output;
  const auto dirs = run_dirs(dir_ / "out" / "fixture");
  ASSERT_EQ(dirs.size(), 2u);
  const json ok = read_json(dirs[0] / "summary.json"), bad = read_json(dirs[1] / "summary.json");
  EXPECT_EQ(dirs[1].filename().string().rfind("sgd_lr1e+12_seed1_", 0), 0u) << dirs[1];
  EXPECT_EQ(ok["status"], "completed");
  EXPECT_EQ(bad["status"], "diverged");
  EXPECT_GT(bad["diverged_at_step"].get<int>(), 0);
  EXPECT_LE(bad["diverged_at_step"].get<int>(), 9);  // within the first epoch's 9 steps
  const std::string error = bad["error"];
  EXPECT_TRUE(error.find("training loss is") == 0 || error.find("parameters are not finite") == 0) << error;
  EXPECT_NE(read_file(dirs[1] / "details.txt").find("status: diverged"), std::string::npos);
  const std::string csv = read_file(dir_ / "out" / "fixture" / "summary.csv");
  EXPECT_NE(csv.find(",sgd,1000000000000.0,1,diverged,"), std::string::npos) << csv;
  EXPECT_EQ(run_host("status '" + (dir_ / "out").string() + "'").output,
            "fixture: 2 runs: 1 completed, 1 diverged\n  1 sgd_lr1e+12_seed1: diverged (" + error + ")\n");
}

TEST_F(HostTest, PluginsOthersCouldReplaceAreRefusedUnlessAllowed) {
  const fs::path plugins = dir_ / "plugins";
  fs::create_directories(plugins);
  fs::copy_file(fs::path(OPTBENCH_BINARY_DIR) / "lib/optbench/plugins/optimizers/lion.so", plugins / "lion.so");
  const std::string list = "plugins --plugin-dir '" + plugins.string() + "'";

  fs::permissions(plugins, fs::perms(0777));
  auto r = run_host(list);
  EXPECT_NE(r.output.find((plugins / "lion.so").string() + ": not loaded: its directory " + plugins.string() +
                          " is writable by every user (mode 0777); make it writable by its owner only (chmod go-w), "
                          "or pass --allow-insecure-plugins"),
            std::string::npos)
      << r.output;
  // Allowed, it loads, and then clashes with the in-tree lion: proof that it was loaded.
  r = run_host(list + " --allow-insecure-plugins");
  EXPECT_NE(r.output.find("duplicate optimizer 'lion'"), std::string::npos) << r.output;

  fs::permissions(plugins, fs::perms(0755));
  fs::permissions(plugins / "lion.so", fs::perms(0666));
  r = run_host(list);
  EXPECT_NE(r.output.find("not loaded: the plugin file " + (plugins / "lion.so").string() +
                          " is writable by every user (mode 0666)"),
            std::string::npos)
      << r.output;
  fs::permissions(plugins / "lion.so", fs::perms(0755));
  r = run_host(list);
  EXPECT_EQ(r.output.find("not loaded"), std::string::npos) << r.output;
}

namespace {

// Every result file parses: JSON, JSON lines (each line whole), TensorBoard records (checksums).
void expect_intact(const fs::path& dir) {
  for (const auto& entry : fs::recursive_directory_iterator(dir)) {
    if (!entry.is_regular_file()) continue;
    const fs::path& p = entry.path();
    const std::string name = p.filename().string();
    SCOPED_TRACE(p.string());
    if (p.extension() == ".json") {
      EXPECT_NO_THROW(read_json(p));
    }
    if (p.extension() == ".jsonl") {
      const std::string text = read_file(p);
      EXPECT_TRUE(text.empty() || text.back() == '\n');
      EXPECT_NO_THROW(read_jsonl(p));
    }
    if (name.find("tfevents") != std::string::npos) {
      EXPECT_NO_THROW(optbench::testing::read_tfrecords(p));
    }
  }
}

std::vector<json> training_lines(const fs::path& run_dir) {
  std::vector<json> out;
  for (auto line : read_jsonl(run_dir / "metrics.jsonl")) {
    if (line["type"] != "train" && line["type"] != "epoch") continue;
    for (const char* timing : {"samples_per_second", "train_seconds", "epoch_seconds", "data_wait_seconds",
                               "forward_backward_seconds", "optimizer_seconds"})
      line.erase(timing);
    out.push_back(line);
  }
  return out;
}

}  // namespace

TEST_F(HostTest, KilledAtRandomPointsResumesToTheSameResult) {
  write_idx_dataset(dir_ / "data", 1200, 100);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "unused", "[\"adam\"]",
                                 "num_workers = 0\ncheckpoint_every_steps = 4\nearly_stopping_patience = 0\n"));
  const std::string args = "run '" + exp.string() + "' --epochs 12 --output-dir ";
  using Clock = std::chrono::steady_clock;
  // Training begins once the data is loaded ("data: ..." in the log). Start-up takes 4x longer
  // under ASan, training 2x: the kills fall at fractions of the uninterrupted run's training time.
  const auto start_training = [&](const fs::path& out, const fs::path& log) {
    const pid_t pid = start_host({"run", exp.string(), "--epochs", "12", "--output-dir", out.string()}, log);
    for (int waited = 0; waited < 1200 && read_file(log).find("data: ") == std::string::npos; ++waited)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return pid;
  };
  const pid_t whole_pid = start_training(dir_ / "whole", dir_ / "whole.log");
  const auto training_began = Clock::now();
  int whole_status = 0;
  waitpid(whole_pid, &whole_status, 0);
  const auto training = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - training_began).count();
  ASSERT_TRUE(WIFEXITED(whole_status) && WEXITSTATUS(whole_status) == 0) << read_file(dir_ / "whole.log");

  std::mt19937 random(20261124);
  int resumed = 0;
  bool finished = false;
  for (int attempt = 0; attempt < 30 && !finished; ++attempt) {
    const fs::path log = dir_ / ("attempt" + std::to_string(attempt) + ".log");
    const pid_t pid = start_training(dir_ / "killed", log);
    const double fraction = std::uniform_real_distribution<double>(0.05, 0.35)(random);
    std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<long>(fraction * training)));
    kill(pid, SIGKILL);
    int status = 0;
    waitpid(pid, &status, 0);
    finished = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    resumed += read_file(log).find("resumed from") != std::string::npos;
    if (fs::exists(dir_ / "killed" / "fixture")) expect_intact(dir_ / "killed" / "fixture");
  }
  EXPECT_GE(resumed, 2) << "the kills should land after checkpoints";
  const auto last = run_host(args + "'" + (dir_ / "killed").string() + "'");
  ASSERT_EQ(last.exit_code, 0) << last.output;

  const auto a = run_dirs(dir_ / "whole" / "fixture"), b = run_dirs(dir_ / "killed" / "fixture");
  ASSERT_EQ(a.size(), 1u);
  ASSERT_EQ(b.size(), 1u);
  const json sa = read_json(a[0] / "summary.json"), sb = read_json(b[0] / "summary.json");
  for (const char* key : {"status", "final_train_loss", "best_validation", "best_train", "test", "steps", "best_epoch",
                          "epochs_run", "parameter_norm"})
    EXPECT_EQ(sa[key], sb[key]) << key;  // bit for bit
  EXPECT_EQ(training_lines(a[0]), training_lines(b[0]));  // every logged loss, once
  expect_intact(dir_ / "killed" / "fixture");
  for (const auto& entry : fs::recursive_directory_iterator(dir_ / "killed" / "fixture"))
    EXPECT_EQ(entry.path().filename().string().find(".tmp."), std::string::npos) << entry.path();
}
