#include "segmentation_scores.h"

#include <cmath>
#include <stdexcept>

namespace optbench::segmentation {

SegmentationScores score_confusion(const std::vector<std::int64_t>& confusion, std::int64_t classes) {
  if (classes < 1 || static_cast<std::int64_t>(confusion.size()) != classes * classes)
    throw std::invalid_argument("confusion matrix of " + std::to_string(confusion.size()) + " entries for " +
                                std::to_string(classes) + " classes");
  const double nan = std::nan("");
  SegmentationScores s;
  double iou_sum = 0, dice_sum = 0, accuracy_sum = 0, correct = 0, total = 0;
  std::int64_t counted = 0, present = 0;
  for (std::int64_t c = 0; c < classes; ++c) {
    double true_c = 0, predicted_c = 0;
    for (std::int64_t k = 0; k < classes; ++k) {
      true_c += static_cast<double>(confusion[c * classes + k]);
      predicted_c += static_cast<double>(confusion[k * classes + c]);
    }
    const double tp = static_cast<double>(confusion[c * classes + c]);
    const double fp = predicted_c - tp, fn = true_c - tp, union_c = tp + fp + fn;
    correct += tp;
    total += true_c;
    s.accuracy.push_back(true_c > 0 ? tp / true_c : nan);
    if (true_c > 0) {
      accuracy_sum += s.accuracy.back();
      ++present;
    }
    if (union_c > 0) {
      s.iou.push_back(tp / union_c);
      s.dice.push_back(2 * tp / (2 * tp + fp + fn));
      iou_sum += s.iou.back();
      dice_sum += s.dice.back();
      ++counted;
    } else {
      s.iou.push_back(nan);
      s.dice.push_back(nan);
    }
  }
  s.mean_iou = counted ? iou_sum / counted : nan;
  s.mean_dice = counted ? dice_sum / counted : nan;
  s.mean_accuracy = present ? accuracy_sum / present : nan;
  s.pixel_accuracy = total > 0 ? correct / total : nan;
  return s;
}

}  // namespace optbench::segmentation
