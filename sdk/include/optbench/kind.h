#pragma once

namespace optbench {
inline namespace v1 {

enum class Kind { kDataset, kModel, kTask, kOptimizer };

inline const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::kDataset: return "dataset";
    case Kind::kModel: return "model";
    case Kind::kTask: return "task";
    case Kind::kOptimizer: return "optimizer";
  }
  return "?";
}

}  // namespace v1
}  // namespace optbench
