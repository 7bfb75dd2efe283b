// `optbench-host score miou` on PNG label maps, checked against mmsegmentation's IoUMetric: the
// expected numbers were worked out by hand below and agree with mmsegmentation's algorithm
// (intersect_and_union, then total_area_to_metrics with nanmean, in percent) rerun in NumPy.
#include "fixtures.h"
#include "image_files.h"

namespace fs = std::filesystem;
using nlohmann::json;
using namespace optbench::testing;

namespace {

// An 8-bit grey PNG whose pixel values are class ids.
void write_label_map(const fs::path& path, int width, int height, const std::vector<std::uint16_t>& values) {
  fs::create_directories(path.parent_path());
  write_png(path.string(), width, height, PngSpec{0, 8, {}}, values);
}

class ScoreMiouTest : public HostTest {
 protected:
  // Two images, 3 classes, 255 ignored. Pixels label -> prediction:
  //   a (3x2): 0->0 0->1 1->1 / 1->1 2->2 255->0      b (2x2): 2->2 2->0 / 0->0 255->1
  // class 0: label area 3, predicted 3 (the ignored pixels' predictions never count), intersection 2
  // class 1: label area 2, predicted 3, intersection 2;  class 2: label area 3, predicted 2, intersection 2
  void SetUp() override {
    HostTest::SetUp();
    write_label_map(dir_ / "labels" / "a.png", 3, 2, {0, 0, 1, 1, 2, 255});
    write_label_map(dir_ / "pred" / "a.png", 3, 2, {0, 1, 1, 1, 2, 0});
    write_label_map(dir_ / "labels" / "b.png", 2, 2, {2, 2, 0, 255});
    write_label_map(dir_ / "pred" / "b.png", 2, 2, {2, 0, 0, 1});
  }
  std::string dirs() const { return "'" + (dir_ / "pred").string() + "' '" + (dir_ / "labels").string() + "'"; }
};

TEST_F(ScoreMiouTest, ReproducesMmsegmentationsIoUMetric) {
  const auto r = run_host("score miou " + dirs() + " --classes 3 --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  // IoU = I / (P + L - I): 2/4, 2/3, 2/3. Acc = I / L: 2/3, 1, 2/3. Dice = 2I / (P + L): 4/6, 4/5, 4/5.
  EXPECT_NEAR(j["IoU"][0].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR(j["IoU"][1].get<double>(), 200.0 / 3, 1e-9);
  EXPECT_NEAR(j["IoU"][2].get<double>(), 200.0 / 3, 1e-9);
  EXPECT_NEAR(j["Acc"][0].get<double>(), 200.0 / 3, 1e-9);
  EXPECT_NEAR(j["Acc"][1].get<double>(), 100.0, 1e-9);
  EXPECT_NEAR(j["Dice"][0].get<double>(), 400.0 / 6, 1e-9);
  EXPECT_NEAR(j["Dice"][2].get<double>(), 80.0, 1e-9);
  EXPECT_NEAR(j["aAcc"].get<double>(), 75.0, 1e-9);  // 6 of 8 scored pixels right
  EXPECT_NEAR(j["mIoU"].get<double>(), (50.0 + 400.0 / 3) / 3, 1e-9);
  EXPECT_NEAR(j["mAcc"].get<double>(), (200.0 / 3 + 100.0 + 200.0 / 3) / 3, 1e-9);
  EXPECT_NEAR(j["mDice"].get<double>(), (400.0 / 6 + 160.0) / 3, 1e-9);
  EXPECT_EQ(j["images"], 2);
  EXPECT_EQ(j["pixels"], 8);
  EXPECT_EQ(j["ignored_pixels"], 2);

  // The table rounds to two decimals, as mmsegmentation prints it.
  const auto text = run_host("score miou " + dirs() + " --classes 3");
  ASSERT_EQ(text.exit_code, 0) << text.output;
  EXPECT_NE(text.output.find("aAcc 75.00  mIoU 61.11  mAcc 77.78  mDice 75.56"), std::string::npos) << text.output;
  EXPECT_NE(text.output.find("0        50.00   66.67   66.67"), std::string::npos) << text.output;
}

TEST_F(ScoreMiouTest, ReduceZeroLabelIgnoresZeroAndShiftsTheRest) {
  // ADE20K's convention: stored 0 is "other" (ignored), stored k is class k - 1.
  write_label_map(dir_ / "ade" / "label.png", 4, 1, {0, 1, 2, 3});
  write_label_map(dir_ / "ade" / "pred.png", 4, 1, {2, 0, 1, 1});
  const auto r = run_host("score miou '" + (dir_ / "ade" / "pred.png").string() + "' '" +
                          (dir_ / "ade" / "label.png").string() + "' --classes 3 --reduce-zero-label --json");
  ASSERT_EQ(r.exit_code, 0) << r.output;
  const json j = json::parse(r.output);
  // Scored: 0->0, 1->1, 2->1. class 0: IoU 1; class 1: I 1, P 2, L 1 -> 1/2; class 2: I 0, L 1 -> 0.
  EXPECT_NEAR(j["mIoU"].get<double>(), 50.0, 1e-9);
  EXPECT_NEAR(j["aAcc"].get<double>(), 200.0 / 3, 1e-9);
  EXPECT_EQ(j["ignored_pixels"], 1);
  EXPECT_TRUE(j["Acc"][2].get<double>() == 0.0);
}

TEST_F(ScoreMiouTest, RefusesValuesThatAreNoClassAndFilesThatDoNotPairUp) {
  const auto r = run_host("score miou " + dirs() + " --classes 2");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.output.find("a.png: label 2 at x 1, y 1 is not a class (accepted: 0 to 1, or the ignore index 255)"),
            std::string::npos) << r.output;

  write_label_map(dir_ / "pred" / "c.png", 1, 1, {0});
  const auto extra = run_host("score miou " + dirs() + " --classes 3");
  EXPECT_EQ(extra.exit_code, 1);
  EXPECT_NE(extra.output.find("c.png has no label map in"), std::string::npos) << extra.output;

  const auto usage = run_host("score miou " + dirs());
  EXPECT_EQ(usage.exit_code, 2);
  EXPECT_NE(usage.output.find("score miou needs PREDICTIONS LABELS"), std::string::npos) << usage.output;
}

}  // namespace
