// `optbench-host score miou`: segmentation scores of prediction and label map files, as
// mmsegmentation's IoUMetric computes them (aAcc, mIoU, mAcc, mDice, per-class IoU, Acc and Dice,
// in percent) and from the same confusion matrix as the semantic_segmentation task.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>
#include <vector>

namespace optbench::core {

struct LabelMapRequest {
  std::string predictions;  // a PNG label map, or a directory of them
  std::string labels;       // the same: files pair up by name without extension
  std::int64_t classes = 0;
  std::int64_t ignore_index = 255;
  bool reduce_zero_label = false;  // label 0 ignored, the others one lower (ADE20K's annotations)
  bool json = false;
};

// (prediction, label) pairs; throws naming the file or directory when they do not pair up.
std::vector<std::pair<std::filesystem::path, std::filesystem::path>> label_map_pairs(const std::string& predictions,
                                                                                     const std::string& labels);

// classes x classes counts (rows: label, columns: prediction) over all pairs; counts the ignored
// pixels into `ignored`. Throws naming the file for sizes that differ and values that are no class.
std::vector<std::int64_t> label_map_confusion(const std::vector<std::pair<std::filesystem::path, std::filesystem::path>>& pairs,
                                              const LabelMapRequest& request, std::int64_t& ignored);

// Prints the scores (a table, or JSON) to stdout.
void score_label_maps(const LabelMapRequest& request);

}  // namespace optbench::core
