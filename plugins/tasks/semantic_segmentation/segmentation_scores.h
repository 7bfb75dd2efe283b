// Segmentation scores from a confusion matrix accumulated over a whole split (rows: true
// class, columns: predicted class; ignored pixels never enter it). Torch-free.
#pragma once

#include <cstdint>
#include <vector>

namespace optbench::segmentation {

struct SegmentationScores {
  std::vector<double> iou;   // per class; NaN where the class is neither present nor predicted
  std::vector<double> dice;  // per class, 2 TP / (2 TP + FP + FN); NaN likewise
  std::vector<double> accuracy;  // per class, TP / (TP + FN); NaN where the class is not present
  double mean_iou = 0;       // over the classes with a non-empty union (NaN if none)
  double mean_dice = 0;
  double mean_accuracy = 0;  // over the classes present (NaN if none)
  double pixel_accuracy = 0; // correct / counted pixels (NaN if none)
};

// `confusion`: classes x classes counts, row-major.
SegmentationScores score_confusion(const std::vector<std::int64_t>& confusion, std::int64_t classes);

}  // namespace optbench::segmentation
