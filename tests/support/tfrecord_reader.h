// Reads TensorBoard event files back for tests: TFRecord framing with both masked CRC-32Cs
// checked, and a protocol-buffer wire-format decoder for the Event fields the host writes.
#pragma once

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "results/tensorboard.h"

namespace optbench::testing {

// The records of a TFRecord file; throws on a bad length or data checksum, or a torn record.
inline std::vector<std::string> read_tfrecords(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  const std::string bytes = buffer.str();
  std::vector<std::string> records;
  auto u32 = [&](std::size_t at) {
    std::uint32_t x;
    std::memcpy(&x, bytes.data() + at, 4);
    return x;
  };
  for (std::size_t at = 0; at < bytes.size();) {
    if (bytes.size() - at < 12) throw std::runtime_error("torn record header");
    std::uint64_t length;
    std::memcpy(&length, bytes.data() + at, 8);
    if (u32(at + 8) != core::masked_crc32c(bytes.data() + at, 8)) throw std::runtime_error("bad length crc");
    if (bytes.size() - at - 12 < length + 4) throw std::runtime_error("torn record");
    const std::string data = bytes.substr(at + 12, length);
    if (u32(at + 12 + length) != core::masked_crc32c(data.data(), data.size())) throw std::runtime_error("bad data crc");
    records.push_back(data);
    at += 12 + length + 4;
  }
  return records;
}

// One protocol-buffer message's fields: varints and fixed64/fixed32 as raw numbers, length-
// delimited fields as bytes (decode them again for sub-messages). Repeated fields keep order.
struct ProtoField {
  int number = 0, wire_type = 0;
  std::uint64_t integer = 0;
  std::string bytes;
  double as_double() const { double d; std::memcpy(&d, &integer, 8); return d; }
  float as_float() const { float f; std::uint32_t u = static_cast<std::uint32_t>(integer); std::memcpy(&f, &u, 4); return f; }
};

inline std::vector<ProtoField> decode_proto(const std::string& message) {
  std::vector<ProtoField> fields;
  std::size_t at = 0;
  auto varint = [&]() {
    std::uint64_t x = 0;
    for (int shift = 0;; shift += 7) {
      if (at >= message.size()) throw std::runtime_error("truncated varint");
      const auto byte = static_cast<unsigned char>(message[at++]);
      x |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
      if (!(byte & 0x80)) return x;
    }
  };
  while (at < message.size()) {
    const std::uint64_t key = varint();
    ProtoField f;
    f.number = static_cast<int>(key >> 3);
    f.wire_type = static_cast<int>(key & 7);
    if (f.wire_type == 0) {
      f.integer = varint();
    } else if (f.wire_type == 1 || f.wire_type == 5) {
      const std::size_t n = f.wire_type == 1 ? 8 : 4;
      if (message.size() - at < n) throw std::runtime_error("truncated fixed field");
      std::memcpy(&f.integer, message.data() + at, n);
      at += n;
    } else if (f.wire_type == 2) {
      const std::uint64_t n = varint();
      if (message.size() - at < n) throw std::runtime_error("truncated bytes field");
      f.bytes = message.substr(at, n);
      at += n;
    } else {
      throw std::runtime_error("unexpected wire type " + std::to_string(f.wire_type));
    }
    fields.push_back(std::move(f));
  }
  return fields;
}

inline const ProtoField* field(const std::vector<ProtoField>& fields, int number) {
  for (const auto& f : fields)
    if (f.number == number) return &f;
  return nullptr;
}

// Event -> its scalar summaries (tag -> simple_value), with the event's step.
struct ScalarEvent {
  std::int64_t step = 0;
  std::string tag;
  float value = 0;
};
inline std::vector<ScalarEvent> scalar_events(const std::vector<std::string>& records) {
  std::vector<ScalarEvent> out;
  for (const auto& record : records) {
    const auto event = decode_proto(record);
    const ProtoField* summary = field(event, 5);
    if (!summary) continue;
    for (const auto& value : decode_proto(summary->bytes)) {
      const auto v = decode_proto(value.bytes);
      const ProtoField* simple = field(v, 2);
      if (!simple) continue;  // hparams carry metadata instead
      const ProtoField* step = field(event, 2);
      out.push_back({step ? static_cast<std::int64_t>(step->integer) : 0, field(v, 1)->bytes, simple->as_float()});
    }
  }
  return out;
}

}  // namespace optbench::testing
