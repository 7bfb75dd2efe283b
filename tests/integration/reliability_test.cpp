// What a long sweep must survive: a diverging run (recorded with its step, the others go on) and
// plugin files that other users could have replaced (refused unless allowed).
#include <sys/stat.h>

#include "fixtures.h"

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
