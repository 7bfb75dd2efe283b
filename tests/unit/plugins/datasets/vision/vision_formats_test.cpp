// IDX and CIFAR-10 readers on bytes written in the real formats.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>

#include "cifar_format.h"
#include "gz_file.h"
#include "idx_format.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench::vision;
using optbench::testing::message_of;

namespace {

std::vector<std::uint8_t> idx_bytes(std::uint8_t type, const std::vector<std::uint32_t>& dims,
                                    const std::vector<std::uint8_t>& data) {
  std::vector<std::uint8_t> out = {0, 0, type, static_cast<std::uint8_t>(dims.size())};
  for (auto d : dims)
    for (int shift : {24, 16, 8, 0}) out.push_back(static_cast<std::uint8_t>(d >> shift));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

class TempDir : public optbench::testing::TempDirTest {
 protected:
  std::string write(const std::string& name, const std::vector<std::uint8_t>& bytes, bool gzip = false) {
    const std::string path = (dir_ / name).string();
    if (gzip) {
      gzFile f = gzopen(path.c_str(), "wb");
      gzwrite(f, bytes.data(), static_cast<unsigned>(bytes.size()));
      gzclose(f);
    } else {
      std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
    }
    return path;
  }
};

}  // namespace

using IdxTest = TempDir;

TEST_F(IdxTest, ReadsRawAndGzippedFiles) {
  const std::vector<std::uint8_t> pixels = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
  for (bool gzip : {false, true}) {
    const auto path = write(gzip ? "a.gz" : "a", idx_bytes(0x08, {3, 2, 2}, pixels), gzip);
    const IdxArray a = read_idx(path);
    EXPECT_EQ(a.dims, (std::vector<std::uint32_t>{3, 2, 2}));
    EXPECT_EQ(a.data, pixels);
  }
}

TEST_F(IdxTest, RejectsMalformedFilesNamingThem) {
  const auto truncated = write("t", idx_bytes(0x08, {3, 2, 2}, {1, 2, 3}));
  EXPECT_EQ(message_of([&] { read_idx(truncated); }),
            truncated + ": IDX header promises 12 data bytes but the file holds 3 (truncated?)");
  const auto trailing = write("x", idx_bytes(0x08, {1}, {1, 2}));
  EXPECT_EQ(message_of([&] { read_idx(trailing); }),
            trailing + ": IDX header promises 1 data bytes but the file holds 2 (trailing data)");
  const auto magic = write("m", {1, 0, 8, 1, 0, 0, 0, 0});
  EXPECT_EQ(message_of([&] { read_idx(magic); }),
            magic + ": not an IDX file: magic number must start with two zero bytes");
  const auto floats = write("f", idx_bytes(0x0D, {1}, {0, 0, 0, 0}));
  EXPECT_EQ(message_of([&] { read_idx(floats); }),
            floats + ": unsupported IDX element type 0x0d; accepted: 0x08 (unsigned byte)");
  const auto short_header = write("s", {0, 0, 8, 3, 0, 0});
  EXPECT_EQ(message_of([&] { read_idx(short_header); }), short_header + ": truncated IDX header");
  EXPECT_NE(message_of([&] { read_idx((dir_ / "missing").string()); }).find("cannot open"), std::string::npos);
}

TEST_F(IdxTest, CorruptGzipIsAnError) {
  auto bytes = idx_bytes(0x08, {4096}, std::vector<std::uint8_t>(4096, 7));
  const auto path = write("c.gz", bytes, /*gzip=*/true);
  // Cut the compressed stream in half.
  const auto size = fs::file_size(path);
  fs::resize_file(path, size / 2);
  const std::string message = message_of([&] { read_idx(path); });
  EXPECT_EQ(message.rfind(path + ":", 0), 0u) << message;
  EXPECT_NE(message.find("gzip"), std::string::npos) << message;
}

using CifarTest = TempDir;

TEST_F(CifarTest, ReadsRecordsOfAnyCount) {
  std::vector<std::uint8_t> bytes;
  for (std::uint8_t label : {3, 9}) {
    bytes.push_back(label);
    for (std::size_t i = 0; i < kCifarImageBytes; ++i) bytes.push_back(static_cast<std::uint8_t>(i + label));
  }
  CifarRecords records;
  read_cifar10_batch(write("data_batch_1.bin", bytes), records);
  read_cifar10_batch(write("data_batch_2.bin", bytes), records);
  EXPECT_EQ(records.labels, (std::vector<std::uint8_t>{3, 9, 3, 9}));
  ASSERT_EQ(records.images.size(), 4 * kCifarImageBytes);
  EXPECT_EQ(records.images[0], 3);                     // first red pixel of record 0
  EXPECT_EQ(records.images[kCifarImageBytes + 1], 10);  // second pixel of record 1 (label 9)
}

TEST_F(CifarTest, RejectsPartialRecordsAndBadLabels) {
  const auto partial = write("p.bin", std::vector<std::uint8_t>(kCifarRecordBytes + 5, 1));
  CifarRecords records;
  EXPECT_EQ(message_of([&] { read_cifar10_batch(partial, records); }),
            partial + ": size 3078 bytes is not a whole number of CIFAR-10 records (3073 bytes each; truncated?)");
  std::vector<std::uint8_t> bad(kCifarRecordBytes, 0);
  bad[0] = 10;
  const auto label = write("l.bin", bad);
  EXPECT_EQ(message_of([&] { read_cifar10_batch(label, records); }),
            label + ": record 0 has label 10; accepted: 0 to 9");
}
