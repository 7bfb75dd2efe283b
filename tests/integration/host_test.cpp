// End-to-end tests of the optbench-host binary.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cmath>
#include <set>
#include <thread>

#include "fixtures.h"
#include "tfrecord_reader.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

TEST_F(HostTest, PluginsListsInTreeComponents) {
  const auto r = run_host("plugins");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  for (const char* c : {"optimizer sgd\n", "optimizer sgd_momentum", "optimizer rmsprop", "optimizer adagrad",
                        "optimizer adadelta", "optimizer adam\n", "optimizer adamw", "optimizer radam",
                        "optimizer lion", "optimizer lars", "optimizer lamb", "optimizer adabelief",
                        "optimizer yogi", "optimizer adafactor", "optimizer sam", "optimizer gsam", "optimizer nadamw",
                        "optimizer ademamix", "optimizer mars", "optimizer schedule_free_sgd",
                        "optimizer schedule_free_adamw", "optimizer prodigy",
                        "dataset mnist", "dataset fashion_mnist", "dataset cifar10", "model cnn_scratch",
                        "model resnet18", "task image_classification", "dataset sst2\n", "dataset imdb",
                        "dataset wikitext2", "dataset ptb_text_only", "model lstm_sentiment",
                        "model distilbert_sentiment", "model gpt_small", "model gru_lm", "task sentiment_analysis",
                        "task text_generation", "refused (0)", "(default)"})
    EXPECT_TRUE(contains(r.output, c)) << c << "\n" << r.output;
}

TEST_F(HostTest, VersionNamesLibTorchAndItsCuda) {
  const auto r = run_host("--version");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "\nLibTorch " OPTBENCH_TORCH_VERSION ", ")) << r.output;
  // Built against a CUDA LibTorch, the host says so and names cuDNN and NCCL, also without a GPU.
  if (OPTBENCH_TORCH_HAS_CUDA) {
    EXPECT_TRUE(contains(r.output, ", CUDA ")) << r.output;
    EXPECT_TRUE(contains(r.output, " (cuDNN ")) << r.output;
    EXPECT_TRUE(contains(r.output, ", NCCL ")) << r.output;
    EXPECT_TRUE(contains(r.output, "); devices: ")) << r.output;
  } else {
    EXPECT_TRUE(contains(r.output, ", CPU only")) << r.output;
  }
}

TEST_F(HostTest, RunWithoutAFileListsTheShippedExperiments) {
  const auto r = run_host("run");
  EXPECT_EQ(r.exit_code, 2) << r.output;
  for (const char* c : {"run needs an experiment file. The shipped ones, in ", "  quickstart.toml\n      Quick start: "
                        "Fashion-MNIST (Debian's dataset-fashion-mnist) with a small CNN, three optimizers, one seed.\n",
                        "  cifar10_resnet18.toml\n", "To start: optbench-host run ", "experiments/quickstart.toml ("})
    EXPECT_TRUE(contains(r.output, c)) << c << "\n" << r.output;
}

TEST_F(HostTest, LoaderRefusesBadPluginsWithOneLineEachAndKeepsTheRest) {
  const std::string fixtures = FIXTURE_PLUGIN_DIR;
  const auto r = run_host("plugins --plugin-dir '" + fixtures + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, fixtures + "/bad_abi.so: wrong SDK ABI version: plugin has 999, host supports 3"))
      << r.output;
  EXPECT_TRUE(contains(r.output, fixtures + "/wrong_torch.so: plugin 'wrong_torch' was built with LibTorch 0.4.1, "
                                            "host uses LibTorch " OPTBENCH_TORCH_VERSION))
      << r.output;
  EXPECT_TRUE(contains(r.output, fixtures + "/no_entry.so: not an optbench plugin: missing entry symbol "
                                            "'optbench_plugin_info'"))
      << r.output;
  EXPECT_TRUE(contains(r.output, fixtures + "/not_a_library.so: cannot load library:")) << r.output;
  // --plugin-dir comes first in the search path, so the in-tree adam_family is the second "adam".
  EXPECT_TRUE(contains(r.output, "adam_family.so: duplicate optimizer 'adam': already registered by " + fixtures +
                                     "/duplicate_adam.so (plugin duplicate_adam); refusing "))
      << r.output;
  EXPECT_TRUE(contains(r.output, "optimizer sgd_momentum")) << r.output;  // the rest still loads
  EXPECT_TRUE(contains(r.output, "refused (5)")) << r.output;
}

TEST_F(HostTest, HostConfigDisablesAWholeDirectory) {
  const fs::path optimizers = fs::path(OPTBENCH_BINARY_DIR) / "lib/optbench/plugins/optimizers";
  write_file(dir_ / "host.toml", "[plugins]\ndisabled = [\"" + optimizers.string() + "\"]\n");
  const auto r = run_host("plugins --config '" + (dir_ / "host.toml").string() + "'");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_FALSE(contains(r.output, "optimizer adam")) << r.output;
  EXPECT_TRUE(contains(r.output, "model cnn_scratch")) << r.output;
  EXPECT_TRUE(contains(r.output, "adam_family.so: disabled by the host configuration")) << r.output;

  write_idx_dataset(dir_ / "data", 40, 20);
  write_file(dir_ / "exp.toml", idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\"]"));
  const auto v = run_host("validate '" + (dir_ / "exp.toml").string() + "' --config '" +
                          (dir_ / "host.toml").string() + "'");
  EXPECT_EQ(v.exit_code, 1) << v.output;
  EXPECT_TRUE(contains(v.output, "exp.toml:3:15: error: unknown optimizer 'adam'")) << v.output;

  write_file(dir_ / "typo.toml", "[plugins]\ndisable = []\n");
  const auto t = run_host("plugins --config '" + (dir_ / "typo.toml").string() + "'");
  EXPECT_EQ(t.exit_code, 1) << t.output;
  EXPECT_TRUE(contains(t.output, "typo.toml:2:1: error: unknown key 'disable' in [plugins]; did you mean "
                                 "'disabled'? (accepted: enabled, disabled)"))
      << t.output;
}

TEST_F(HostTest, ValidateNamesFileLineAndKey) {
  write_idx_dataset(dir_ / "data", 40, 20);
  std::string text = idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\"]");
  write_file(dir_ / "ok.toml", text);
  const auto ok = run_host("validate '" + (dir_ / "ok.toml").string() + "'");
  EXPECT_EQ(ok.exit_code, 0) << ok.output;
  EXPECT_TRUE(contains(ok.output, "valid. 1 run(s): 1 optimizer(s) x 1 seed(s); data:")) << ok.output;

  write_file(dir_ / "bad.toml", text + "[optimizer.adam]\nlrr = 0.1\n");
  const auto bad = run_host("validate '" + (dir_ / "bad.toml").string() + "'");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "bad.toml:23:1: error: unknown key 'lrr' in [optimizer.adam]; did you mean "
                                   "'lr'? (accepted: lr, betas, eps, weight_decay, amsgrad)"))
      << bad.output;
}

TEST_F(HostTest, CorruptDataFileIsNamed) {
  write_idx_dataset(dir_ / "data", 40, 20);
  const fs::path images = dir_ / "data" / "train-images-idx3-ubyte.gz";
  fs::resize_file(images, fs::file_size(images) / 2);
  write_file(dir_ / "exp.toml", idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\"]"));
  const auto r = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "dataset 'fashion_mnist' (plugin vision_datasets")) << r.output;
  EXPECT_TRUE(contains(r.output, images.string() + ": truncated gzip file")) << r.output;

  fs::remove(dir_ / "data" / "t10k-labels-idx1-ubyte.gz");
  const auto missing = run_host("validate '" + (dir_ / "exp.toml").string() + "'");
  EXPECT_EQ(missing.exit_code, 1);
}

TEST_F(HostTest, RunTrainsWritesResultsAndSkipsFinishedRuns) {
  write_idx_dataset(dir_ / "data", 600, 200);
  const fs::path exp = dir_ / "exp.toml";
  write_file(exp, idx_experiment(dir_ / "data", dir_ / "out", "[\"adam\", \"sgd_momentum\"]"));
  const auto r = run_host("run '" + exp.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;

  const fs::path root = dir_ / "out" / "fixture";
  const std::string csv = read_file(root / "summary.csv");
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3) << csv;  // header + 2 runs
  EXPECT_TRUE(contains(csv, "optimizer,seed,status,best_epoch")) << csv;
  const auto dirs = run_dirs(root);
  ASSERT_EQ(dirs.size(), 2u);
  EXPECT_EQ(dirs[0].filename().string().rfind("adam_seed1_", 0), 0u) << dirs[0];
  for (const auto& d : dirs) {
    for (const char* f : {"config.toml", "metrics.jsonl", "summary.json", "details.txt", "best_model.pt"})
      EXPECT_TRUE(fs::exists(d / f)) << d / f;
    const json s = read_json(d / "summary.json");
    EXPECT_EQ(s["status"], "completed");
    // 540 training samples (10% held out) in batches of 32: 17 steps per epoch.
    EXPECT_EQ(s["steps"], 34);
    EXPECT_EQ(s["gradient_evaluations"], 34);
    EXPECT_EQ(s["epochs_run"], 2);
    const double accuracy = s["test"]["accuracy"];
    EXPECT_GT(accuracy, 0.5) << "chance is 0.1; the fixture classes are easy";  // learnt something
    EXPECT_LE(accuracy, 1.0);
    const auto lines = read_jsonl(d / "metrics.jsonl");
    int train = 0, epoch = 0, test = 0;
    double data_wait = 0, epoch_seconds = 0;
    for (const auto& l : lines) {
      train += l["type"] == "train";
      epoch += l["type"] == "epoch";
      test += l["type"] == "test";
      if (l["type"] == "epoch") {
        data_wait += l["data_wait_seconds"].get<double>();
        epoch_seconds += l["epoch_seconds"].get<double>();
      }
    }
    // The time waiting for batches is part of the epoch's time; the summary gives its share.
    EXPECT_GT(data_wait, 0.0);
    EXPECT_LT(data_wait, epoch_seconds);
    EXPECT_NEAR(s["data_wait_fraction"].get<double>(), data_wait / s["train_seconds"].get<double>(), 1e-9);
    EXPECT_EQ(train, 6);  // steps 5, 10, ..., 30
    EXPECT_EQ(epoch, 2);
    EXPECT_EQ(test, 1);
    const std::string details = read_file(d / "details.txt");
    for (const char* section : {"== Data ==", "== Preprocessing", "== Model ==", "== Training policy ==",
                                "== Optimizer ==", "== Outcome ==", "label smoothing 0.1", "status: completed",
                                "% waiting for data)"})
      EXPECT_TRUE(contains(details, section)) << section << "\n" << details;
    EXPECT_TRUE(contains(read_file(d / "config.toml"), "# plugin vision_models 1.0.0"));
  }
  const json adam = read_json(dirs[0] / "summary.json"), sgd = read_json(dirs[1] / "summary.json");
  EXPECT_EQ(adam["optimizer_params"]["lr"], 0.003);
  // Float32 state: Adam's two moments, SGD's momentum buffer.
  EXPECT_EQ(adam["optimizer_state_bytes"], 2 * 4 * adam["num_parameters"].get<std::int64_t>());
  EXPECT_EQ(sgd["optimizer_state_bytes"], 4 * sgd["num_parameters"].get<std::int64_t>());
  const double forward_backward = adam["forward_backward_ms_per_step"], optimizer = adam["optimizer_ms_per_step"];
  EXPECT_GT(forward_backward, optimizer);
  EXPECT_GT(optimizer, 0.0);
  EXPECT_LT(forward_backward + optimizer, adam["ms_per_step"].get<double>());  // the rest waits for data
  EXPECT_EQ(std::count(csv.begin(), csv.end(), '\n'), 3);
  const std::string epochs = read_file(root / "epochs.csv");
  EXPECT_EQ(std::count(epochs.begin(), epochs.end(), '\n'), 5) << epochs;  // header + 2 runs x 2 epochs

  // TensorBoard: every logged loss, every epoch's validation metrics, the test metrics.
  const auto scalars = optbench::testing::scalar_events(
      optbench::testing::read_tfrecords((dirs[0] / "events.out.tfevents.optbench").string()));
  std::map<std::string, std::vector<std::int64_t>> steps;
  for (const auto& e : scalars) steps[e.tag].push_back(e.step);
  EXPECT_EQ(steps["train/loss"], (std::vector<std::int64_t>{5, 10, 15, 20, 25, 30}));
  EXPECT_EQ(steps["validation/accuracy"], (std::vector<std::int64_t>{17, 34}));
  EXPECT_EQ(steps["train_subset/accuracy"], (std::vector<std::int64_t>{17, 34}));
  EXPECT_EQ(steps["test/accuracy"], (std::vector<std::int64_t>{34}));
  EXPECT_FLOAT_EQ(scalars.back().value, adam["test"][scalars.back().tag.substr(5)].get<float>());

  const auto again = run_host("run '" + exp.string() + "'");
  EXPECT_EQ(again.exit_code, 0) << again.output;
  EXPECT_TRUE(contains(again.output, "[adam seed 1] already completed")) << again.output;
}

TEST_F(HostTest, RunsAreDeterministicWhateverTheWorkerCount) {
  write_idx_dataset(dir_ / "data", 300, 100);
  auto summary = [&](const std::string& name, int workers) {
    const fs::path exp = dir_ / (name + ".toml");
    write_file(exp, idx_experiment(dir_ / "data", dir_ / name, "[\"sgd_momentum\"]",
                                   "num_workers = " + std::to_string(workers) + "\n"));
    const auto r = run_host("run '" + exp.string() + "' --epochs 1");
    EXPECT_EQ(r.exit_code, 0) << r.output;
    return read_json(run_dirs(dir_ / name / "fixture").at(0) / "summary.json");
  };
  const json a = summary("a", 0), b = summary("b", 3);
  EXPECT_EQ(a["final_train_loss"], b["final_train_loss"]);
  EXPECT_EQ(a["test"], b["test"]);
  EXPECT_EQ(a["best_validation"], b["best_validation"]);
}

TEST_F(HostTest, Cifar10WithResNet18) {
  write_cifar_dataset(dir_ / "cifar", 16, 16);
  write_file(dir_ / "exp.toml",
             "optimizers = [\"sgd_momentum\"]\noutput_dir = \"" + (dir_ / "out").string() + "\"\n"
             "[task]\nname = \"image_classification\"\n"
             "[dataset]\nname = \"cifar10\"\nroot = \"" + (dir_ / "cifar").string() + "\"\n"
             "[model]\nname = \"resnet18\"\nwidth = 4\n"
             "[training]\nepochs = 1\nbatch_size = 16\nthreads = 1\n"
             "exclude_from_weight_decay = [\"bias\", \"norm\"]\n");
  const auto r = run_host("run '" + (dir_ / "exp.toml").string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const fs::path d = run_dirs(dir_ / "out" / "exp").at(0);
  const json s = read_json(d / "summary.json");
  EXPECT_EQ(s["status"], "completed");
  EXPECT_EQ(s["steps"], 5);  // 80 records, 8 held out: 72 / 16 -> 5 steps
  const std::string details = read_file(d / "details.txt");
  EXPECT_TRUE(contains(details, "random crop to the image size after zero-padding 4")) << details;
  // BatchNorm weights and all biases go to the group without weight decay.
  EXPECT_TRUE(contains(details, "group 0: 21 tensors, weight_decay 5e-04")) << details;
  EXPECT_TRUE(contains(details, "group 1: 41 tensors, weight_decay 0")) << details;
}

TEST_F(HostTest, ReplayDetectsADeviationFromTheGoldenTrajectory) {
  const fs::path golden = fs::path(OPTBENCH_GOLDEN_DIR) / "rosenbrock";
  if (!fs::exists(golden / "adam.json")) GTEST_SKIP() << "no golden files at " << golden;
  fs::create_directories(dir_ / "g");
  fs::copy_file(golden / "_problem.json", dir_ / "g" / "_problem.json");
  json adam = read_json(golden / "adam.json");
  const auto good = run_host("replay '" + (golden / "adam.json").string() + "'");
  EXPECT_EQ(good.exit_code, 0) << good.output;
  EXPECT_TRUE(contains(good.output, "PASSED: 0 case(s) failed")) << good.output;
  adam["cases"][1]["params"][10][0] = adam["cases"][1]["params"][10][0].get<double>() * (1 + 1e-5);
  write_file(dir_ / "g" / "adam.json", adam.dump());
  const auto bad = run_host("replay '" + (dir_ / "g" / "adam.json").string() + "'");
  EXPECT_EQ(bad.exit_code, 1) << bad.output;
  EXPECT_TRUE(contains(bad.output, "FAILED: 1 case(s) failed")) << bad.output;
}

TEST_F(HostTest, DescribeShowsTheSchema) {
  const auto r = run_host("describe optimizer adam");
  EXPECT_EQ(r.exit_code, 0) << r.output;
  EXPECT_TRUE(contains(r.output, "betas (array of numbers of length 2) = [0.9, 0.999]")) << r.output;
  EXPECT_TRUE(contains(r.output, "arXiv:1412.6980")) << r.output;
  const auto sgd = run_host("describe optimizer sgd");
  EXPECT_TRUE(contains(sgd.output, "weight_decay (number) = 0.0; training runs default to 5e-04")) << sgd.output;
  const auto typo = run_host("describe optimizer adma");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(contains(typo.output, "no optimizer named 'adma'; did you mean 'adam'?")) << typo.output;
  const auto training = run_host("describe training");
  EXPECT_TRUE(contains(training.output, "early_stopping_patience")) << training.output;
}

TEST_F(HostTest, CommandLineErrors) {
  const auto r = run_host("rnu x.toml");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_TRUE(contains(r.output, "unknown command 'rnu'; did you mean 'run'?")) << r.output;
  const auto help = run_host("run --help");
  EXPECT_EQ(help.exit_code, 0);
  EXPECT_TRUE(contains(help.output, "--max-samples")) << help.output;
  const auto missing = run_host("run '" + (dir_ / "nope.toml").string() + "'");
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_TRUE(contains(missing.output, "nope.toml: error: experiment file does not exist")) << missing.output;
}

TEST_F(HostTest, QuickstartExperimentValidatesOnDebianFashionMnist) {
  if (!fs::exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"))
    GTEST_SKIP() << "dataset-fashion-mnist is not installed";
  for (const char* name : {"quickstart", "mnist_cnn_scratch", "cifar10_resnet18"}) {
    const fs::path exp = fs::path(OPTBENCH_SOURCE_DIR) / "experiments" / (std::string(name) + ".toml");
    const auto r = run_host("validate '" + exp.string() + "'");
    if (std::string(name) == "quickstart") {
      EXPECT_EQ(r.exit_code, 0) << r.output;
      EXPECT_TRUE(contains(r.output, "train 54000, validation 6000, test 10000 samples")) << r.output;
    } else {
      // Their data is not installed here: the error must name the missing file.
      EXPECT_TRUE(r.exit_code == 0 || contains(r.output, "does not exist")) << r.output;
    }
  }
}

TEST_F(HostTest, ExternalPluginBuiltAgainstTheInstalledSdk) {
  const fs::path prefix = dir_ / "prefix", build = dir_ / "build";
  const auto install = run_command("cmake --install '" + std::string(OPTBENCH_BINARY_DIR) + "' --prefix '" +
                                   prefix.string() + "'");
  ASSERT_EQ(install.exit_code, 0) << install.output;
  EXPECT_TRUE(fs::exists(prefix / "include/optbench/sdk.h"));
  const auto configure = run_command("cmake -S '" + std::string(OPTBENCH_SOURCE_DIR) +
                                     "/examples/external_optimizer' -B '" + build.string() +
                                     "' -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH='" +
                                     prefix.string() + "'");
  ASSERT_EQ(configure.exit_code, 0) << configure.output;
  const auto compile = run_command("cmake --build '" + build.string() + "'");
  ASSERT_EQ(compile.exit_code, 0) << compile.output;

  const auto plugins = run_host("plugins --plugin-dir '" + build.string() + "'");
  EXPECT_TRUE(contains(plugins.output, "sign_sgd 0.1.0  " + build.string() + "/sign_sgd.so")) << plugins.output;
  EXPECT_TRUE(contains(plugins.output, "optimizer signum")) << plugins.output;

  EXPECT_TRUE(contains(plugins.output, "averaged_signum 0.1.0  " + build.string() + "/averaged_signum.so"))
      << plugins.output;

  for (const char* name : {"signum", "averaged_signum"}) {
    const auto conformance = run_host(std::string("conformance ") + name + " --plugin-dir '" + build.string() + "'");
    EXPECT_EQ(conformance.exit_code, 0) << conformance.output;
    EXPECT_TRUE(contains(conformance.output, "PASSED: 0 of 9 checks failed")) << conformance.output;
  }

  // Both train in a host run, averaged_signum evaluating its average over the last half of the
  // planned steps.
  write_idx_dataset(dir_ / "data", 200, 50);
  write_file(dir_ / "exp.toml", idx_experiment(dir_ / "data", dir_ / "out", "[\"signum\", \"averaged_signum\"]") +
                                    "[optimizer.averaged_signum]\naverage_fraction = 0.5\n");
  const auto r = run_host("run '" + (dir_ / "exp.toml").string() + "' --epochs 1 --plugin-dir '" +
                          build.string() + "'");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto dirs = run_dirs(dir_ / "out" / "fixture");
  ASSERT_EQ(dirs.size(), 2u);
  std::set<std::string> trained;
  for (const auto& d : dirs) {
    const json s = read_json(d / "summary.json");
    EXPECT_EQ(s["status"], "completed") << s;
    trained.insert(s["optimizer"].get<std::string>());
  }
  EXPECT_EQ(trained, (std::set<std::string>{"signum", "averaged_signum"}));
}

TEST_F(HostTest, EveryInTreeOptimizerTrains) {
  write_idx_dataset(dir_ / "data", 200, 50);
  write_file(dir_ / "exp.toml", idx_experiment(dir_ / "data", dir_ / "out", "\"all\""));
  const auto r = run_host("run '" + (dir_ / "exp.toml").string() + "' --epochs 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto dirs = run_dirs(dir_ / "out" / "fixture");
  ASSERT_EQ(dirs.size(), 22u);  // the original 16, nadamw, ademamix, mars, schedule-free SGD and AdamW, prodigy
  for (const auto& d : dirs) {
    const json s = read_json(d / "summary.json");
    EXPECT_EQ(s["status"], "completed") << d;
    // 180 samples, batch 32: 6 steps; SAM and GSAM evaluate the gradient twice per step.
    const bool sharpness = s["optimizer"] == "sam" || s["optimizer"] == "gsam";
    EXPECT_EQ(s["gradient_evaluations"], sharpness ? 12 : 6) << d;
  }
}

TEST_F(HostTest, ConformanceFailsAnOptimizerThatDoesNotMove) {
  // With the fixtures first on the search path, "adam" is duplicate_adam's no-op optimizer.
  const auto r = run_host("conformance adam --plugin-dir '" + std::string(FIXTURE_PLUGIN_DIR) + "'");
  EXPECT_EQ(r.exit_code, 1) << r.output;
  EXPECT_TRUE(contains(r.output, "(plugin duplicate_adam 0.0.1")) << r.output;
  EXPECT_TRUE(contains(r.output, "converges: quadratic             FAIL  best f = 27.5")) << r.output;
  EXPECT_TRUE(contains(r.output, "FAILED: 3 of 9 checks failed")) << r.output;
  const auto typo = run_host("conformance adma");
  EXPECT_EQ(typo.exit_code, 1);
  EXPECT_TRUE(contains(typo.output, "no optimizer named 'adma'; did you mean 'adam'?")) << typo.output;
}

TEST_F(HostTest, InterruptedRunResumesToTheSameResult) {
  write_idx_dataset(dir_ / "data", 600, 100);
  const std::string extra = "num_workers = 0\n";
  write_file(dir_ / "a.toml", idx_experiment(dir_ / "data", dir_ / "a", "[\"adam\"]", extra));
  write_file(dir_ / "b.toml", idx_experiment(dir_ / "data", dir_ / "b", "[\"adam\"]", extra));
  const std::string epochs = " --epochs 12";

  const auto whole = run_host("run '" + (dir_ / "a.toml").string() + "'" + epochs);
  ASSERT_EQ(whole.exit_code, 0) << whole.output;

  // Start the same run, stop it with SIGTERM (as Slurm does) once an epoch has finished.
  const pid_t pid = start_host({"run", (dir_ / "b.toml").string(), "--epochs", "12"}, dir_ / "b.log");
  bool saw_epoch = false;
  for (int i = 0; i < 3000 && !saw_epoch; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (fs::exists(dir_ / "b" / "fixture"))
      for (const auto& d : run_dirs(dir_ / "b" / "fixture"))
        saw_epoch = saw_epoch || contains(read_file(d / "metrics.jsonl"), "\"type\":\"epoch\"");
  }
  ASSERT_TRUE(saw_epoch);
  kill(pid, SIGTERM);
  int status = 0;
  waitpid(pid, &status, 0);
  const std::string log = read_file(dir_ / "b.log");
  ASSERT_TRUE(WIFEXITED(status)) << log;
  ASSERT_EQ(WEXITSTATUS(status), 3) << log;
  EXPECT_TRUE(contains(log, "run the same command again to resume")) << log;
  const fs::path run = run_dirs(dir_ / "b" / "fixture").at(0);
  EXPECT_FALSE(fs::exists(run / "summary.json"));

  const auto resumed = run_host("run '" + (dir_ / "b.toml").string() + "'" + epochs);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.output;
  EXPECT_TRUE(contains(resumed.output, "resumed from")) << resumed.output;
  const json a = read_json(run_dirs(dir_ / "a" / "fixture").at(0) / "summary.json");
  const json b = read_json(run / "summary.json");
  EXPECT_EQ(a["final_train_loss"], b["final_train_loss"]);
  EXPECT_EQ(a["best_validation"], b["best_validation"]);
  EXPECT_EQ(a["test"], b["test"]);
  EXPECT_EQ(a["steps"], b["steps"]);
  // metrics.jsonl holds each epoch once, as an uninterrupted run's does.
  const auto count_epochs = [](const fs::path& p) {
    int n = 0;
    for (const auto& l : read_jsonl(p)) n += l["type"] == "epoch";
    return n;
  };
  EXPECT_EQ(count_epochs(run / "metrics.jsonl"), count_epochs(run_dirs(dir_ / "a" / "fixture").at(0) / "metrics.jsonl"));
  // So does the TensorBoard event file: cut back to the checkpoint, then written on.
  std::vector<std::int64_t> steps, whole_steps;
  for (const auto& e : optbench::testing::scalar_events(optbench::testing::read_tfrecords(run / "events.out.tfevents.optbench")))
    if (e.tag == "validation/accuracy") steps.push_back(e.step);
  for (const auto& e : optbench::testing::scalar_events(optbench::testing::read_tfrecords(
           run_dirs(dir_ / "a" / "fixture").at(0) / "events.out.tfevents.optbench")))
    if (e.tag == "validation/accuracy") whole_steps.push_back(e.step);
  EXPECT_EQ(steps, whole_steps);
  EXPECT_EQ(steps.size(), a["epochs_run"].get<std::size_t>());
}
