// TensorBoard event files: TFRecord framing (length and data, each with a masked CRC-32C) around
// Event protocol buffers, encoded here field by field (the few fields scalars and hparams need),
// so that `tensorboard --logdir results/` shows every run.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <variant>

namespace optbench::core {

// CRC-32C (Castagnoli), and TFRecord's masking of it: rotate right by 15, add 0xa282ead8.
std::uint32_t crc32c(const void* data, std::size_t size);
std::uint32_t masked_crc32c(const void* data, std::size_t size);

// One TFRecord: length (uint64 LE), its masked CRC, the data, the data's masked CRC.
std::string tfrecord(const std::string& data);

using HParamValue = std::variant<double, std::string, bool>;

class EventWriter {
 public:
  // Appends to `path`; a new or empty file starts with the file_version event.
  explicit EventWriter(std::filesystem::path path);
  void scalar(const std::string& tag, double value, std::int64_t step, double wall_time);
  // The run's hyperparameters for TensorBoard's HParams dashboard (a session start).
  void hparams(const std::map<std::string, HParamValue>& values, const std::string& group, double wall_time);
  const std::filesystem::path& path() const { return path_; }

 private:
  void write_event(const std::string& event);
  std::filesystem::path path_;
};

// The name TensorBoard looks for (it must contain "tfevents").
inline const char* kEventFileName = "events.out.tfevents.optbench";

}  // namespace optbench::core
