// A schedule-free run trains at y and evaluates, keeps as its best checkpoint and reports the
// averaged weights x (the optimizer's eval() and train() hooks around evaluation).
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <cmath>

#include "fixtures.h"

using namespace optbench::testing;
namespace fs = std::filesystem;
using json = nlohmann::json;

namespace {

std::vector<torch::Tensor> tensors_of(torch::serialize::InputArchive& archive) {
  std::vector<torch::Tensor> out;
  for (const auto& key : archive.keys()) {
    torch::Tensor t;
    if (archive.try_read(key, t)) {
      out.push_back(t);
    } else {
      torch::serialize::InputArchive sub;
      if (archive.try_read(key, sub))
        for (const auto& s : tensors_of(sub)) out.push_back(s);
    }
  }
  return out;
}

// The optimizer state tensors named `name` ("x": the average, "z": the base sequence).
std::vector<torch::Tensor> optimizer_state(torch::serialize::InputArchive& optimizer, const std::string& name) {
  std::vector<torch::Tensor> out;
  for (const auto& key : optimizer.keys())
    if (key.size() > name.size() && key.compare(key.size() - name.size() - 1, name.size() + 1, "." + name) == 0) {
      torch::Tensor t;
      optimizer.read(key, t);
      out.push_back(t);
    }
  return out;
}

bool holds(const std::vector<torch::Tensor>& tensors, const torch::Tensor& t) {
  for (const auto& u : tensors)
    if (u.sizes() == t.sizes() && torch::equal(u, t)) return true;
  return false;
}

double norm_of(const std::vector<torch::Tensor>& tensors) {
  double squares = 0;
  for (const auto& t : tensors) squares += t.to(torch::kFloat64).pow(2).sum().item<double>();
  return std::sqrt(squares);
}

}  // namespace

TEST_F(HostTest, ScheduleFreeRunsEvaluateAndReportTheAveragedWeights) {
  write_idx_dataset(dir_ / "data", 300, 50);
  write_file(dir_ / "sf.toml", idx_experiment(dir_ / "data", dir_ / "out", "[\"schedule_free_sgd\"]", "num_workers = 0\n") +
                                   "schedule_free_sgd = 0.05\n");  // under [lr_overrides]
  const auto r = run_host("run '" + (dir_ / "sf.toml").string() + "' --epochs 1");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const auto dirs = run_dirs(dir_ / "out" / "fixture");
  ASSERT_EQ(dirs.size(), 1u);
  const json s = read_json(dirs[0] / "summary.json");
  ASSERT_EQ(s["status"], "completed") << s;
  ASSERT_TRUE(s.contains("test")) << s;  // computed from best_model.pt

  torch::serialize::InputArchive checkpoint, trained, optimizer, best;
  checkpoint.load_from((dirs[0] / "checkpoint.pt").string());
  checkpoint.read("model", trained);      // taken in training mode: y
  checkpoint.read("optimizer", optimizer);
  best.load_from((dirs[0] / "best_model.pt").string());
  const auto y = tensors_of(trained), x = optimizer_state(optimizer, "x"), best_weights = tensors_of(best);
  ASSERT_FALSE(x.empty());
  ASSERT_EQ(x.size(), optimizer_state(optimizer, "z").size());

  // After one epoch (the best), the best checkpoint holds x, bit for bit, and x is not y.
  double largest_difference = 0;
  for (const auto& w : x) {
    EXPECT_TRUE(holds(best_weights, w)) << "a tensor of x is not in best_model.pt";
    EXPECT_FALSE(holds(y, w)) << "x equals y";
  }
  for (std::size_t i = 0; i < std::min(x.size(), y.size()); ++i)
    if (x[i].sizes() == y[i].sizes()) largest_difference = std::max(largest_difference, (x[i] - y[i]).abs().max().item<double>());
  EXPECT_GT(largest_difference, 1e-4);
  // The run reports the weights it evaluates.
  EXPECT_NEAR(s["parameter_norm"].get<double>(), norm_of(x), 1e-9 * norm_of(x));
  EXPECT_GT(std::abs(norm_of(x) - norm_of(y)), 1e-6 * norm_of(x));
}
