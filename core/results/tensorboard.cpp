#include "results/tensorboard.h"

#include "results/atomic_file.h"

#include <array>
#include <cstring>

namespace fs = std::filesystem;

namespace optbench::core {

namespace {

std::array<std::uint32_t, 256> make_crc32c_table() {
  std::array<std::uint32_t, 256> table{};
  for (std::uint32_t i = 0; i < 256; ++i) {
    std::uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = c & 1 ? 0x82f63b78u ^ (c >> 1) : c >> 1;  // reversed Castagnoli
    table[i] = c;
  }
  return table;
}

// Protocol-buffer wire format: a key is (field number << 3 | wire type).
void varint(std::string& out, std::uint64_t x) {
  while (x >= 0x80) {
    out += static_cast<char>((x & 0x7f) | 0x80);
    x >>= 7;
  }
  out += static_cast<char>(x);
}

template <class T>
void little_endian(std::string& out, T x) {
  char bytes[sizeof(T)];
  std::memcpy(bytes, &x, sizeof(T));  // x86-64 and aarch64 are little-endian, as the format
  out.append(bytes, sizeof(T));
}

void field_varint(std::string& out, int field, std::uint64_t x) {
  varint(out, static_cast<std::uint64_t>(field) << 3 | 0);
  varint(out, x);
}
void field_double(std::string& out, int field, double x) {
  varint(out, static_cast<std::uint64_t>(field) << 3 | 1);
  little_endian(out, x);
}
void field_float(std::string& out, int field, float x) {
  varint(out, static_cast<std::uint64_t>(field) << 3 | 5);
  little_endian(out, x);
}
void field_bytes(std::string& out, int field, const std::string& bytes) {
  varint(out, static_cast<std::uint64_t>(field) << 3 | 2);
  varint(out, bytes.size());
  out += bytes;
}

// tensorflow.Event: wall_time = 1, step = 2, file_version = 3, summary = 5.
std::string event(double wall_time, std::int64_t step) {
  std::string e;
  field_double(e, 1, wall_time);
  if (step) field_varint(e, 2, static_cast<std::uint64_t>(step));
  return e;
}

}  // namespace

std::uint32_t crc32c(const void* data, std::size_t size) {
  static const auto table = make_crc32c_table();
  std::uint32_t c = 0xffffffffu;
  const auto* p = static_cast<const unsigned char*>(data);
  for (std::size_t i = 0; i < size; ++i) c = table[(c ^ p[i]) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

std::uint32_t masked_crc32c(const void* data, std::size_t size) {
  const std::uint32_t c = crc32c(data, size);
  return ((c >> 15) | (c << 17)) + 0xa282ead8u;
}

std::string tfrecord(const std::string& data) {
  std::string out, length;
  little_endian(length, static_cast<std::uint64_t>(data.size()));
  out += length;
  little_endian(out, masked_crc32c(length.data(), length.size()));
  out += data;
  little_endian(out, masked_crc32c(data.data(), data.size()));
  return out;
}

EventWriter::EventWriter(fs::path path) : path_(std::move(path)) {
  if (!fs::exists(path_) || fs::file_size(path_) == 0) {
    std::string e = event(0, 0);
    field_bytes(e, 3, "brain.Event:2");
    write_event(e);
  }
}

void EventWriter::scalar(const std::string& tag, double value, std::int64_t step, double wall_time) {
  std::string v;  // Summary.Value: tag = 1, simple_value = 2
  field_bytes(v, 1, tag);
  field_float(v, 2, static_cast<float>(value));
  std::string summary;  // Summary: value = 1
  field_bytes(summary, 1, v);
  std::string e = event(wall_time, step);
  field_bytes(e, 5, summary);
  write_event(e);
}

void EventWriter::hparams(const std::map<std::string, HParamValue>& values, const std::string& group,
                          double wall_time) {
  std::string start;  // SessionStartInfo: hparams = 1 (map<string, google.protobuf.Value>), group_name = 4, start_time_secs = 5
  for (const auto& [name, value] : values) {
    std::string v;  // google.protobuf.Value: number_value = 2, string_value = 3, bool_value = 4
    if (auto* d = std::get_if<double>(&value)) field_double(v, 2, *d);
    if (auto* s = std::get_if<std::string>(&value)) field_bytes(v, 3, *s);
    if (auto* b = std::get_if<bool>(&value)) field_varint(v, 4, *b);
    std::string entry;  // map entry: key = 1, value = 2
    field_bytes(entry, 1, name);
    field_bytes(entry, 2, v);
    field_bytes(start, 1, entry);
  }
  field_bytes(start, 4, group);
  field_double(start, 5, wall_time);
  std::string plugin_data;  // HParamsPluginData: version = 1 (0), session_start_info = 3
  field_bytes(plugin_data, 3, start);
  std::string plugin;  // SummaryMetadata.PluginData: plugin_name = 1, content = 2
  field_bytes(plugin, 1, "hparams");
  field_bytes(plugin, 2, plugin_data);
  std::string metadata;  // SummaryMetadata: plugin_data = 1
  field_bytes(metadata, 1, plugin);
  std::string v;  // Summary.Value: tag = 1, metadata = 9
  field_bytes(v, 1, "_hparams_/session_start_info");
  field_bytes(v, 9, metadata);
  std::string summary;
  field_bytes(summary, 1, v);
  std::string e = event(wall_time, 0);
  field_bytes(e, 5, summary);
  write_event(e);
}

void EventWriter::write_event(const std::string& e) { append_bytes(path_, tfrecord(e)); }

}  // namespace optbench::core
