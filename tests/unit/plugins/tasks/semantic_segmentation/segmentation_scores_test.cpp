// Segmentation metrics on hand-computed cases: ignored pixels, classes never present,
// a class predicted but absent.
#include <gtest/gtest.h>

#include <cmath>

#include "confusion.h"
#include "segmentation_scores.h"

using optbench::segmentation::confusion_counts;
using optbench::segmentation::score_confusion;

TEST(SegmentationScores, IgnoredPixelsNeverCount) {
  // Pixels (truth -> predicted): 0->0, 1->2, 255->1 (ignored), 2->2, 2->0, 0->0.
  const auto truth = torch::tensor({0, 1, 255, 2, 2, 0}, torch::kInt64).view({1, 2, 3});
  const auto predicted = torch::tensor({0, 2, 1, 2, 0, 0}, torch::kInt64).view({1, 2, 3});
  const auto c = confusion_counts(predicted, truth, 3, 255);
  const auto expected = torch::tensor({2, 0, 0, 0, 0, 1, 1, 0, 1}, torch::kInt64).view({3, 3});
  EXPECT_TRUE(torch::equal(c, expected)) << c;
  const auto s = score_confusion(std::vector<std::int64_t>(c.data_ptr<std::int64_t>(), c.data_ptr<std::int64_t>() + 9), 3);
  // class 0: TP 2, FP 1, FN 0 -> IoU 2/3; class 1: TP 0, FN 1 -> 0; class 2: TP 1, FP 1, FN 1 -> 1/3.
  EXPECT_DOUBLE_EQ(s.iou[0], 2.0 / 3);
  EXPECT_DOUBLE_EQ(s.iou[1], 0.0);
  EXPECT_DOUBLE_EQ(s.iou[2], 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.mean_iou, 1.0 / 3);
  EXPECT_DOUBLE_EQ(s.dice[0], 4.0 / 5);
  EXPECT_DOUBLE_EQ(s.dice[2], 2.0 / 4);
  EXPECT_DOUBLE_EQ(s.mean_dice, (0.8 + 0.0 + 0.5) / 3);
  EXPECT_DOUBLE_EQ(s.pixel_accuracy, 3.0 / 5);  // 5 counted pixels, 3 right
  // class accuracy TP / (TP + FN): class 0 2/2, class 1 0/1, class 2 1/2
  EXPECT_DOUBLE_EQ(s.accuracy[0], 1.0);
  EXPECT_DOUBLE_EQ(s.accuracy[1], 0.0);
  EXPECT_DOUBLE_EQ(s.accuracy[2], 0.5);
  EXPECT_DOUBLE_EQ(s.mean_accuracy, 0.5);
}

TEST(SegmentationScores, ClassesNeitherPresentNorPredictedAreLeftOutOfTheMeans) {
  // rows = truth: class 0 [3, 1, 0], class 1 [0, 2, 0], class 2 never seen.
  const auto s = score_confusion({3, 1, 0, 0, 2, 0, 0, 0, 0}, 3);
  EXPECT_DOUBLE_EQ(s.iou[0], 3.0 / 4);
  EXPECT_DOUBLE_EQ(s.iou[1], 2.0 / 3);
  EXPECT_TRUE(std::isnan(s.iou[2]));
  EXPECT_TRUE(std::isnan(s.dice[2]));
  EXPECT_DOUBLE_EQ(s.mean_iou, (3.0 / 4 + 2.0 / 3) / 2);
  EXPECT_DOUBLE_EQ(s.mean_dice, (6.0 / 7 + 4.0 / 5) / 2);
  EXPECT_DOUBLE_EQ(s.pixel_accuracy, 5.0 / 6);
}

TEST(SegmentationScores, APredictedButAbsentClassCountsAsZero) {
  const auto s = score_confusion({2, 1, 0, 0}, 2);  // class 1 only ever predicted
  EXPECT_DOUBLE_EQ(s.iou[1], 0.0);
  EXPECT_DOUBLE_EQ(s.mean_iou, (2.0 / 3 + 0.0) / 2);
  EXPECT_TRUE(std::isnan(s.accuracy[1]));  // ... but has no accuracy: it is never present
  EXPECT_DOUBLE_EQ(s.mean_accuracy, 2.0 / 3);
}

TEST(SegmentationScores, NothingCountedIsNaNAndABadShapeIsRefused) {
  const auto s = score_confusion({0, 0, 0, 0}, 2);
  EXPECT_TRUE(std::isnan(s.mean_iou));
  EXPECT_TRUE(std::isnan(s.pixel_accuracy));
  EXPECT_THROW(score_confusion({1, 2, 3}, 2), std::invalid_argument);
}
