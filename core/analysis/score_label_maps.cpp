#include "analysis/score_label_maps.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>
#include <stdexcept>

#include "image_decoding.h"
#include "segmentation_scores.h"

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

// mmsegmentation prints percentages rounded to two decimals, NaN as "nan".
std::string percent(double fraction) {
  if (std::isnan(fraction)) return "nan";
  char s[16];
  std::snprintf(s, sizeof s, "%.2f", std::round(fraction * 10000) / 100);
  return s;
}

nlohmann::json percent_json(double fraction) { return std::isnan(fraction) ? nlohmann::json(nullptr) : nlohmann::json(fraction * 100); }

// The regular files of a directory by name without extension (how predictions and labels pair up).
std::map<std::string, fs::path> files_by_stem(const std::string& dir) {
  std::map<std::string, fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir))
    if (entry.is_regular_file()) files[entry.path().stem().string()] = entry.path();
  return files;
}

}  // namespace

std::vector<std::pair<fs::path, fs::path>> label_map_pairs(const std::string& predictions, const std::string& labels) {
  for (const auto& path : {predictions, labels})
    if (!fs::exists(path)) throw std::runtime_error(path + ": no such file or directory");
  if (!fs::is_directory(labels)) {
    if (fs::is_directory(predictions))
      throw std::runtime_error(predictions + " is a directory but " + labels + " is a file: give two files or two directories");
    return {{predictions, labels}};
  }
  if (!fs::is_directory(predictions))
    throw std::runtime_error(labels + " is a directory but " + predictions + " is a file: give two files or two directories");
  std::map<std::string, fs::path> by_name = files_by_stem(predictions);
  const std::map<std::string, fs::path> label_files = files_by_stem(labels);
  if (label_files.empty()) throw std::runtime_error(labels + ": no label map files in this directory");
  std::vector<std::pair<fs::path, fs::path>> pairs;
  std::vector<std::string> missing;
  for (const auto& [name, label] : label_files) {
    const auto it = by_name.find(name);
    if (it == by_name.end()) {
      missing.push_back(name);
      continue;
    }
    pairs.emplace_back(it->second, label);
    by_name.erase(it);
  }
  if (!missing.empty())
    throw std::runtime_error(predictions + ": no prediction for " + std::to_string(missing.size()) + " label map(s) of " +
                             labels + ", e.g. '" + missing.front() + "' (files pair up by name without extension)");
  if (!by_name.empty())
    throw std::runtime_error(predictions + ": " + by_name.begin()->second.filename().string() + " has no label map in " +
                             labels + " (files pair up by name without extension)");
  return pairs;
}

std::vector<std::int64_t> label_map_confusion(const std::vector<std::pair<fs::path, fs::path>>& pairs,
                                              const LabelMapRequest& r, std::int64_t& ignored) {
  const std::int64_t k = r.classes;
  std::vector<std::int64_t> confusion(static_cast<std::size_t>(k * k), 0);
  ignored = 0;
  for (const auto& [prediction_path, label_path] : pairs) {
    const auto prediction = vision::decode_labels(prediction_path.string());
    const auto label = vision::decode_labels(label_path.string());
    if (prediction.width != label.width || prediction.height != label.height)
      throw std::runtime_error(prediction_path.string() + " is " + std::to_string(prediction.width) + "x" +
                               std::to_string(prediction.height) + " but its label map " + label_path.string() + " is " +
                               std::to_string(label.width) + "x" + std::to_string(label.height));
    for (std::size_t i = 0; i < label.pixels.size(); ++i) {
      std::int64_t truth = label.pixels[i];
      if (r.reduce_zero_label) truth = truth == 0 || truth == 255 ? 255 : truth - 1;  // as mmsegmentation's LoadAnnotations
      if (truth == r.ignore_index) {
        ++ignored;
        continue;
      }
      const auto where = [&] {
        return " at x " + std::to_string(i % static_cast<std::size_t>(label.width)) + ", y " +
               std::to_string(i / static_cast<std::size_t>(label.width));
      };
      if (truth >= k)
        throw std::runtime_error(label_path.string() + ": label " + std::to_string(truth) + where() +
                                 " is not a class (accepted: 0 to " + std::to_string(k - 1) + ", or the ignore index " +
                                 std::to_string(r.ignore_index) + ")");
      const std::int64_t predicted = prediction.pixels[i];
      if (predicted >= k)
        throw std::runtime_error(prediction_path.string() + ": prediction " + std::to_string(predicted) + where() +
                                 " is not a class (accepted: 0 to " + std::to_string(k - 1) + ")");
      ++confusion[static_cast<std::size_t>(truth * k + predicted)];
    }
  }
  return confusion;
}

void score_label_maps(const LabelMapRequest& r) {
  const auto pairs = label_map_pairs(r.predictions, r.labels);
  std::int64_t ignored = 0;
  const auto confusion = label_map_confusion(pairs, r, ignored);
  std::int64_t counted = 0;
  for (const auto c : confusion) counted += c;
  const auto s = segmentation::score_confusion(confusion, r.classes);
  if (r.json) {
    nlohmann::json j = {{"aAcc", percent_json(s.pixel_accuracy)}, {"mIoU", percent_json(s.mean_iou)},
                        {"mAcc", percent_json(s.mean_accuracy)}, {"mDice", percent_json(s.mean_dice)},
                        {"IoU", nlohmann::json::array()},          {"Acc", nlohmann::json::array()},
                        {"Dice", nlohmann::json::array()},         {"classes", r.classes},
                        {"images", pairs.size()},                  {"pixels", counted},
                        {"ignored_pixels", ignored}};
    for (std::int64_t c = 0; c < r.classes; ++c) {
      j["IoU"].push_back(percent_json(s.iou[c]));
      j["Acc"].push_back(percent_json(s.accuracy[c]));
      j["Dice"].push_back(percent_json(s.dice[c]));
    }
    std::printf("%s\n", j.dump(1).c_str());
    return;
  }
  std::printf("%-6s %7s %7s %7s\n", "class", "IoU", "Acc", "Dice");
  for (std::int64_t c = 0; c < r.classes; ++c)
    std::printf("%-6lld %7s %7s %7s\n", static_cast<long long>(c), percent(s.iou[c]).c_str(),
                percent(s.accuracy[c]).c_str(), percent(s.dice[c]).c_str());
  std::printf("aAcc %s  mIoU %s  mAcc %s  mDice %s\n(%zu image(s), %lld pixels scored, %lld ignored)\n",
              percent(s.pixel_accuracy).c_str(), percent(s.mean_iou).c_str(), percent(s.mean_accuracy).c_str(),
              percent(s.mean_dice).c_str(), pairs.size(), static_cast<long long>(counted), static_cast<long long>(ignored));
}

}  // namespace optbench::core
