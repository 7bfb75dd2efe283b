// TensorBoard event files: CRC-32C against the standard's check values, and events read back
// through the TFRecord framing and the protocol-buffer wire format.
#include <gtest/gtest.h>

#include "results/tensorboard.h"
#include "temp_dir_test.h"
#include "tfrecord_reader.h"

using namespace optbench::core;
using namespace optbench::testing;

TEST(Crc32c, CheckValues) {
  EXPECT_EQ(crc32c("123456789", 9), 0xe3069283u);  // the CRC catalogue's check value
  const std::string zeros(32, '\0'), ones(32, '\xff');
  EXPECT_EQ(crc32c(zeros.data(), zeros.size()), 0x8a9136aau);  // RFC 3720, B.4
  EXPECT_EQ(crc32c(ones.data(), ones.size()), 0x62a8ab43u);
  const std::uint32_t c = 0xe3069283u;
  EXPECT_EQ(masked_crc32c("123456789", 9), ((c >> 15) | (c << 17)) + 0xa282ead8u);
}

TEST(Tfrecord, FramingAroundTheData) {
  const std::string record = tfrecord("abc");
  ASSERT_EQ(record.size(), 8u + 4 + 3 + 4);
  EXPECT_EQ(record.substr(0, 8), std::string("\x03\0\0\0\0\0\0\0", 8));
  EXPECT_EQ(record.substr(12, 3), "abc");
}

class EventFile : public optbench::testing::TempDirTest {};

TEST_F(EventFile, ScalarsAndHparamsReadBack) {
  const std::string path = (dir_ / kEventFileName).string();
  {
    EventWriter events(path);
    events.hparams({{"optimizer", std::string("adam")}, {"lr", 0.001}, {"amsgrad", false}}, "", 1700000000.5);
    events.scalar("train/loss", 2.5, 10, 1700000001.0);
    events.scalar("validation/accuracy", 0.75, 20, 1700000002.0);
  }
  EventWriter reopened(path);  // appends; no second file_version event
  reopened.scalar("train/loss", 1.25, 30, 1700000003.0);

  const auto records = read_tfrecords(path);
  ASSERT_EQ(records.size(), 5u);
  const auto first = decode_proto(records[0]);
  ASSERT_TRUE(field(first, 3));
  EXPECT_EQ(field(first, 3)->bytes, "brain.Event:2");

  const auto scalars = scalar_events(records);
  ASSERT_EQ(scalars.size(), 3u);
  EXPECT_EQ(scalars[0].tag, "train/loss");
  EXPECT_EQ(scalars[0].step, 10);
  EXPECT_EQ(scalars[0].value, 2.5f);
  EXPECT_EQ(scalars[1].tag, "validation/accuracy");
  EXPECT_EQ(scalars[1].value, 0.75f);
  EXPECT_EQ(scalars[2].step, 30);
  EXPECT_DOUBLE_EQ(field(decode_proto(records[2]), 1)->as_double(), 1700000001.0);

  // Summary.Value{tag, metadata{plugin_data{plugin_name "hparams", content HParamsPluginData}}}
  const auto value = decode_proto(field(decode_proto(field(decode_proto(records[1]), 5)->bytes), 1)->bytes);
  EXPECT_EQ(field(value, 1)->bytes, "_hparams_/session_start_info");
  const auto plugin = decode_proto(field(decode_proto(field(value, 9)->bytes), 1)->bytes);
  EXPECT_EQ(field(plugin, 1)->bytes, "hparams");
  const auto start = decode_proto(field(decode_proto(field(plugin, 2)->bytes), 3)->bytes);
  std::map<std::string, std::vector<ProtoField>> hparams;
  for (const auto& f : start)
    if (f.number == 1) {
      const auto entry = decode_proto(f.bytes);
      hparams[field(entry, 1)->bytes] = decode_proto(field(entry, 2)->bytes);
    }
  ASSERT_EQ(hparams.size(), 3u);
  EXPECT_EQ(field(hparams["optimizer"], 3)->bytes, "adam");           // string_value
  EXPECT_DOUBLE_EQ(field(hparams["lr"], 2)->as_double(), 0.001);       // number_value
  EXPECT_EQ(field(hparams["amsgrad"], 4)->integer, 0u);                // bool_value
  EXPECT_DOUBLE_EQ(field(start, 5)->as_double(), 1700000000.5);       // start_time_secs
}

TEST_F(EventFile, ReaderRejectsACorruptRecord) {
  const std::string path = (dir_ / kEventFileName).string();
  EventWriter(path).scalar("x", 1, 1, 0);
  std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
  f.seekp(-6, std::ios::end);
  f.put('\x7f');  // a byte of the last event's data
  f.close();
  EXPECT_THROW(read_tfrecords(path), std::runtime_error);
}
