// Experiment files: what is accepted, and the errors for what is not
// (file:line:column, the key, what is accepted, did-you-mean).
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

#include "common/diagnostics.h"
#include "experiment/experiment.h"
#include "experiment/run_plan.h"
#include "fake_catalog.h"

namespace fs = std::filesystem;
using namespace optbench;
using namespace optbench::core;

namespace {

const char* kValid = R"(name = "unit"
optimizers = ["adam", "sgd"]

[task]
name = "image_classification"

[dataset]
name = "fashion_mnist"
max_samples = 100

[model]
name = "cnn_scratch"
hidden = 64

[training]
epochs = 2
seeds = [1, 2]
scheduler = "plateau"

[optimizer.adam]
betas = [0.8, 0.99]

[lr_overrides]
adam = 0.01
)";

class ExperimentTest : public ::testing::Test {
 protected:
  std::string write(const std::string& text) {
    path_ = fs::temp_directory_path() /
            ("optbench_experiment_" + std::to_string(::getpid()) + "_" +
             ::testing::UnitTest::GetInstance()->current_test_info()->name() + ".toml");
    std::ofstream(path_) << text;
    return path_.string();
  }
  void TearDown() override { fs::remove(path_); }
  // The error text of loading `text`, with the temp path replaced by "FILE".
  std::string error_of(const std::string& text, const Overrides& o = {}) {
    const std::string file = write(text);
    try {
      load_experiment(file, catalog_, o);
    } catch (const std::exception& e) {
      std::string m = e.what();
      for (auto pos = m.find(file); pos != std::string::npos; pos = m.find(file))
        m.replace(pos, file.size(), "FILE");
      return m;
    }
    return "(no error)";
  }
  std::string replace(std::string text, const std::string& from, const std::string& to) {
    const auto pos = text.find(from);
    EXPECT_NE(pos, std::string::npos) << from;
    return text.replace(pos, from.size(), to);
  }
  FakeCatalog catalog_;
  fs::path path_;
};

}  // namespace

TEST_F(ExperimentTest, ValidFileResolvesEveryDefault) {
  const Experiment ex = load_experiment(write(kValid), catalog_);
  EXPECT_EQ(ex.name, "unit");
  EXPECT_EQ(ex.max_samples, 100);
  EXPECT_DOUBLE_EQ(ex.validation_fraction, 0.1);
  EXPECT_EQ(ex.model.params.get<std::int64_t>("hidden"), 64);
  EXPECT_EQ(ex.dataset.params.get<std::string>("root"), "/data");
  EXPECT_EQ(ex.training.epochs, 2);
  EXPECT_EQ(ex.training.seeds, (std::vector<std::int64_t>{1, 2}));
  EXPECT_EQ(ex.training.batch_size, 128);
  EXPECT_EQ(ex.policy.scheduler.value(), "plateau");
  EXPECT_FALSE(ex.policy.label_smoothing.has_value());  // the task's default applies
  ASSERT_EQ(ex.optimizers.size(), 2u);
  EXPECT_EQ(ex.optimizers[0].name, "adam");
  EXPECT_DOUBLE_EQ(ex.optimizers[0].params.get<double>("lr"), 0.01);
  EXPECT_EQ(ex.optimizers[0].params.get<std::vector<double>>("betas"), (std::vector<double>{0.8, 0.99}));
  // sgd: the suite's training defaults, since the reference has none for lr.
  EXPECT_DOUBLE_EQ(ex.optimizers[1].params.get<double>("lr"), 0.05);
  EXPECT_DOUBLE_EQ(ex.optimizers[1].params.get<double>("weight_decay"), 5e-4);
}

TEST_F(ExperimentTest, AllOptimizersAndCommandLineOverrides) {
  Overrides o;
  o.epochs = 7;
  o.optimizers = std::vector<std::string>{"sgd"};
  o.max_samples = 5;
  o.output_dir = "elsewhere";
  o.seeds = std::vector<std::int64_t>{9};
  const Experiment ex = load_experiment(write(kValid), catalog_, o);
  EXPECT_EQ(ex.training.epochs, 7);
  EXPECT_EQ(ex.max_samples, 5);
  EXPECT_EQ(ex.output_dir, "elsewhere");
  EXPECT_EQ(ex.training.seeds, (std::vector<std::int64_t>{9}));
  ASSERT_EQ(ex.optimizers.size(), 1u);
  EXPECT_EQ(ex.optimizers[0].name, "sgd");

  const Experiment all = load_experiment(write(replace(kValid, R"(["adam", "sgd"])", R"("all")")), catalog_);
  ASSERT_EQ(all.optimizers.size(), 2u);
}

TEST_F(ExperimentTest, MisspeltKeyNamesLineColumnAndSuggestion) {
  EXPECT_EQ(error_of(replace(kValid, "betas = [0.8, 0.99]", "beta = [0.8, 0.99]")),
            "FILE:21:1: error: unknown key 'beta' in [optimizer.adam]; did you mean 'betas'? "
            "(accepted: lr, betas, weight_decay, amsgrad)");
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epoch = 2")),
            "FILE:16:1: error: unknown key 'epoch' in [training]; did you mean 'epochs'? (accepted: epochs, "
            "batch_size, eval_batch_size, seeds, threads, device, num_workers, log_every_steps, checkpoint_every_steps, "
            "scheduler, "
            "warmup_epochs, early_stopping_patience, max_grad_norm, label_smoothing, exclude_from_weight_decay, "
            "precision, channels_last, cudnn_benchmark, deterministic)");
  EXPECT_EQ(error_of(replace(kValid, "name = \"unit\"", "nme = \"unit\"")),
            "FILE:1:1: error: unknown top-level key 'nme'; did you mean 'name'? (accepted: analysis, dataset, "
            "lr_overrides, model, name, optimizer, optimizers, output_dir, sweep, task, training)");
}

TEST_F(ExperimentTest, WrongTypesAndRanges) {
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epochs = \"2\"")),
            "FILE:16:10: error: [training] epochs: expected integer, got string");
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epochs = 0")),
            "FILE:16:10: error: [training] epochs: value 0 is out of range; accepted: [1, inf)");
  EXPECT_EQ(error_of(replace(kValid, "betas = [0.8, 0.99]", "betas = [0.8]")),
            "FILE:21:9: error: [optimizer.adam] betas: expected 2 elements, got 1");
  EXPECT_EQ(error_of(replace(kValid, "scheduler = \"plateau\"", "scheduler = \"cosin\"")),
            "FILE:18:13: error: [training] scheduler: \"cosin\" is not accepted; accepted: \"cosine\", "
            "\"plateau\", \"none\"");
  EXPECT_EQ(error_of(replace(kValid, "hidden = 64", "hidden = 1.5")),
            "FILE:13:10: error: [model] hidden: expected integer, got number");
}

TEST_F(ExperimentTest, PrecisionAndKernelChoices) {
  const Experiment defaults = load_experiment(write(kValid), catalog_);
  EXPECT_EQ(defaults.training.precision, "fp32");
  EXPECT_FALSE(defaults.training.channels_last);
  EXPECT_FALSE(defaults.training.cudnn_benchmark);
  EXPECT_FALSE(defaults.training.deterministic);
  const Experiment set = load_experiment(
      write(replace(kValid, "epochs = 2", "epochs = 2\nprecision = \"bf16\"\nchannels_last = true\ndeterministic = true")),
      catalog_);
  EXPECT_EQ(set.training.precision, "bf16");
  EXPECT_TRUE(set.training.channels_last);
  EXPECT_TRUE(set.training.deterministic);
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epochs = 2\nprecision = \"fp16\"")),
            "FILE:17:13: error: [training] precision: \"fp16\" is not accepted; accepted: \"fp32\", \"tf32\", "
            "\"bf16\"");
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epochs = 2\ndeterministic = true\ncudnn_benchmark = true")),
            "FILE:18:19: error: [training] cudnn_benchmark = true picks convolution algorithms by timing them, which "
            "deterministic = true rules out: set one of the two");
  EXPECT_EQ(error_of(replace(kValid, "epochs = 2", "epochs = 2\nchannels_last = 1")),
            "FILE:17:17: error: [training] channels_last: expected boolean, got integer");
}

TEST_F(ExperimentTest, UnknownComponentsAndOptimizerTables) {
  EXPECT_EQ(error_of(replace(kValid, "name = \"cnn_scratch\"", "name = \"cnn\"")),
            "FILE:12:8: error: unknown model 'cnn'; did you mean 'cnn_scratch'? (available: cnn_scratch)");
  EXPECT_EQ(error_of(replace(kValid, R"(["adam", "sgd"])", R"(["adma"])")),
            "FILE:2:15: error: unknown optimizer 'adma'; did you mean 'adam'? (available: adam, sgd)");
  EXPECT_EQ(error_of(replace(kValid, "adam = 0.01", "adamw = 0.01")),
            "FILE:24:1: error: [lr_overrides] adamw names an unknown optimizer; did you mean 'adam'? "
            "(available: adam, sgd)");
  EXPECT_EQ(error_of(std::string(kValid) + "\n[optimizer.sgd]\nlr = 0.1\n[optimizer.adam.x]\n"),
            "FILE:28:17: error: unknown key 'x' in [optimizer.adam]; did you mean 'lr'? (accepted: lr, betas, "
            "weight_decay, amsgrad)");
  EXPECT_EQ(error_of(replace(kValid, "betas = [0.8, 0.99]", "lr = 0.5")),
            "FILE:24:8: error: lr of 'adam' is set both in [lr_overrides] and in [optimizer.adam]; keep one");
}

TEST_F(ExperimentTest, ReportsEveryProblemAtOnce) {
  std::string text = replace(kValid, "epochs = 2", "epochs = -1");
  text = replace(text, "hidden = 64", "hiden = 64");
  const std::string message = error_of(text);
  EXPECT_NE(message.find("FILE:16:10: error: [training] epochs"), std::string::npos) << message;
  EXPECT_NE(message.find("FILE:13:1: error: unknown key 'hiden' in [model]; did you mean 'hidden'?"),
            std::string::npos) << message;
}

TEST_F(ExperimentTest, InvalidTomlAndMissingTables) {
  EXPECT_EQ(error_of("optimizers = [\"adam\"\n"),
            "FILE:1:22: error: invalid TOML: Error while parsing array: encountered end-of-file");
  EXPECT_EQ(error_of("optimizers = [\"adam\"]\n[task]\nname = \"image_classification\"\n"
                     "[model]\nname = \"cnn_scratch\"\n"),
            "FILE: error: missing table [dataset] (with at least name = \"...\")");
}

TEST_F(ExperimentTest, SweepGridsExpandIntoRunsOfTheOptimizersThatHaveTheParameter) {
  // adam has amsgrad-free `weight_decay` and `lr`; sgd has both too; only adam has betas.
  const std::string text = std::string(kValid) +
                           "\n[sweep]\nlr = {log_grid = [1e-4, 1e-1, 4]}\nweight_decay = [0.0, 0.01]\n";
  const Experiment ex = load_experiment(write(text), catalog_);
  ASSERT_EQ(ex.sweep.size(), 2u);
  EXPECT_EQ(ex.sweep[0].parameter, "lr");
  EXPECT_TRUE(ex.sweep[0].log_scale);
  EXPECT_EQ(ex.sweep[0].values, (std::vector<double>{1e-4, 1e-3, 1e-2, 1e-1}));  // exact powers of ten
  EXPECT_FALSE(ex.sweep[1].log_scale);

  const auto runs = plan_runs(ex, catalog_);
  ASSERT_EQ(runs.size(), 2u * 4 * 2 * 2);  // optimizers x lr x weight_decay x seeds
  EXPECT_EQ(runs[0].id, "adam_lr0.0001_weight_decay0_seed1");
  EXPECT_EQ(runs[1].id, "adam_lr0.0001_weight_decay0_seed2");
  EXPECT_EQ(runs[2].id, "adam_lr0.0001_weight_decay0.01_seed1");
  EXPECT_EQ(runs[0].label, "[adam lr=0.0001 weight_decay=0 seed 1]");
  EXPECT_DOUBLE_EQ(runs[2].optimizer.params.get<double>("weight_decay"), 0.01);
  EXPECT_DOUBLE_EQ(runs[2].optimizer.params.get<double>("lr"), 1e-4);  // the sweep wins over lr_overrides
  EXPECT_EQ(runs[2].optimizer.params.get<std::vector<double>>("betas"), (std::vector<double>{0.8, 0.99}));
  EXPECT_EQ(runs.back().id, "sgd_lr0.1_weight_decay0.01_seed2");

  const Experiment linear = load_experiment(write(std::string(kValid) + "\n[sweep]\nlr = {grid = [0.1, 0.3, 3]}\n"), catalog_);
  ASSERT_EQ(linear.sweep[0].values.size(), 3u);
  EXPECT_DOUBLE_EQ(linear.sweep[0].values[1], 0.2);
  EXPECT_EQ(linear.sweep[0].values[2], 0.3);

  // A parameter only one optimizer has leaves the other unswept.
  const Experiment betas_free = load_experiment(
      write(replace(kValid, R"(["adam", "sgd"])", R"(["sgd"])") + "\n[sweep]\nlr = [0.1, 0.2]\n"), catalog_);
  EXPECT_EQ(plan_runs(betas_free, catalog_).size(), 2u * 2);
  EXPECT_TRUE(plan_runs(load_experiment(write(kValid), catalog_), catalog_).size() == 4u);  // no sweep: 2 x 2
}

TEST_F(ExperimentTest, SweepErrorsNameTheKeyAndWhatIsAccepted) {
  const std::string base = std::string(kValid) + "\n[sweep]\n";  // [sweep] is line 26
  EXPECT_EQ(error_of(base + "lrr = [0.1]\n"),
            "FILE:27:1: error: [sweep] lrr: no selected optimizer has a numeric parameter 'lrr'; did you mean "
            "'lr'? (their parameters: lr, betas, weight_decay, amsgrad)");
  EXPECT_EQ(error_of(base + "lr = {log_grid = [0.0, 0.1, 3]}\n"),
            "FILE:27:18: error: [sweep] lr log_grid = [low, high, points] needs low > 0 (a log grid)");
  EXPECT_EQ(error_of(base + "lr = {log_grid = [0.1, 0.01, 3]}\n"),
            "FILE:27:18: error: [sweep] lr log_grid = [low, high, points] needs low < high and a whole number "
            "of points >= 2");
  EXPECT_EQ(error_of(base + "lr = {logrid = [0.1, 1, 3]}\n"),
            "FILE:27:7: error: [sweep] lr: unknown form 'logrid'; did you mean 'log_grid'? (accepted: an array of "
            "numbers, {values = [...]}, {grid = [low, high, points]} or {log_grid = [low, high, points]})");
  EXPECT_EQ(error_of(base + "lr = [0.1, -1.0]\n"),
            "FILE:27:6: error: [sweep] lr for adam: lr: value -1 is out of range; accepted: [0, inf)");
  EXPECT_EQ(error_of(base + "lr = [0.1, 0.1]\n"), "FILE:27:6: error: [sweep] lr: value 0.1 is listed twice");
  EXPECT_EQ(error_of(base + "betas = [0.5]\n"),
            "FILE:27:9: error: [sweep] betas for adam: betas: expected array of numbers, got number");
  EXPECT_EQ(error_of(base + "seeds = [1, 2]\n"),
            "FILE:27:1: error: [sweep] seeds: seeds are not swept here; set [training] seeds");
  EXPECT_EQ(error_of(base + "lr = \"big\"\n"),
            "FILE:27:6: error: [sweep] lr: accepted: an array of numbers, {values = [...]}, {grid = [low, high, "
            "points]} or {log_grid = [low, high, points]}");
  EXPECT_EQ(error_of(std::string(kValid) + "\n[analysis]\nloss_treshold = [1.0]\n"),
            "FILE:27:1: error: unknown key 'loss_treshold' in [analysis]; did you mean 'loss_thresholds'? "
            "(accepted: loss_thresholds, metric_thresholds, good_region, train_metrics, hessian_top_k, hessian_batches, "
            "hessian_iterations, cka_samples)");
}
