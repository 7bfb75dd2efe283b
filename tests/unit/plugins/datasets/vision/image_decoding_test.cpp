// JPEG/PNG decoding: colour conversions with known answers, label images kept as values,
// and every kind of bad file refused with its name.
#include "image_decoding.h"

#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "image_files.h"
#include "temp_dir_test.h"

namespace fs = std::filesystem;
using namespace optbench::vision;
using optbench::testing::contains;
using optbench::testing::JpegColor;
using optbench::testing::message_of;
using optbench::testing::PngSpec;
using optbench::testing::write_jpeg;
using optbench::testing::write_png;
using Bytes = std::vector<std::uint8_t>;

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  return bytes.str();
}

class ImageDecodingTest : public optbench::testing::TempDirTest {
 protected:
  std::string path(const std::string& name) const { return (dir_ / name).string(); }
  std::string png(const std::string& name, int w, int h, const PngSpec& spec, const std::vector<std::uint16_t>& v) {
    write_png(path(name), w, h, spec, v);
    return path(name);
  }
};

TEST_F(ImageDecodingTest, PngColourTypesBecomeRgb) {
  const Bytes rgb = {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120};
  Image a = decode_rgb(png("rgb.png", 2, 2, {2, 8, {}}, {10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120}));
  EXPECT_EQ(a.width, 2);
  EXPECT_EQ(a.height, 2);
  EXPECT_EQ(a.channels, 3);
  EXPECT_EQ(a.pixels, rgb);

  EXPECT_EQ(decode_rgb(png("gray.png", 2, 1, {0, 8, {}}, {7, 200})).pixels, (Bytes{7, 7, 7, 200, 200, 200}));
  // RGBA: alpha dropped, colour kept (PIL's convert("RGB")).
  EXPECT_EQ(decode_rgb(png("rgba.png", 1, 1, {6, 8, {}}, {1, 2, 3, 0})).pixels, (Bytes{1, 2, 3}));
  EXPECT_EQ(decode_rgb(png("ga.png", 1, 1, {4, 8, {}}, {9, 128})).pixels, (Bytes{9, 9, 9}));
  // 16-bit samples keep their high byte.
  EXPECT_EQ(decode_rgb(png("g16.png", 2, 1, {0, 16, {}}, {0x1234, 0xFFFF})).pixels, (Bytes{0x12, 0x12, 0x12, 255, 255, 255}));
  // Palette: looked up; 1-bit gray: scaled to 0/255 as an image.
  const PngSpec palette{3, 8, {255, 0, 0, 0, 255, 0}};
  EXPECT_EQ(decode_rgb(png("pal.png", 2, 1, palette, {1, 0})).pixels, (Bytes{0, 255, 0, 255, 0, 0}));
  EXPECT_EQ(decode_rgb(png("bit.png", 3, 1, {0, 1, {}}, {1, 0, 1})).pixels, (Bytes{255, 255, 255, 0, 0, 0, 255, 255, 255}));
}

TEST_F(ImageDecodingTest, LabelImagesKeepTheirValues) {
  // A palette trimap (1 = pet, 2 = background, 3 = border) and an 8-bit gray ADE20K mask.
  const PngSpec palette{3, 8, {0, 0, 0, 255, 255, 255, 128, 128, 128, 9, 9, 9}};
  Image trimap = decode_labels(png("trimap.png", 3, 1, palette, {1, 2, 3}));
  EXPECT_EQ(trimap.channels, 1);
  EXPECT_EQ(trimap.pixels, (Bytes{1, 2, 3}));
  EXPECT_EQ(decode_labels(png("ade.png", 2, 2, {0, 8, {}}, {0, 150, 12, 255})).pixels, (Bytes{0, 150, 12, 255}));
  // Sub-byte values are unpacked, not scaled: a 2-bit image's 3 stays 3.
  EXPECT_EQ(decode_labels(png("two_bit.png", 4, 1, {0, 2, {}}, {0, 1, 2, 3})).pixels, (Bytes{0, 1, 2, 3}));
  EXPECT_EQ(decode_labels(png("la.png", 1, 1, {4, 8, {}}, {5, 255})).pixels, (Bytes{5}));

  EXPECT_TRUE(contains(message_of([&] { decode_labels(png("rgb.png", 1, 1, {2, 8, {}}, {1, 2, 3})); }),
                       "rgb.png: a label image needs one channel (palette indices or gray values), this PNG is RGB"));
  EXPECT_TRUE(contains(message_of([&] { decode_labels(png("l16.png", 1, 1, {0, 16, {}}, {300})); }),
                       "l16.png: 16-bit label images are not supported"));
  write_jpeg(path("mask.jpg"), 8, 8, JpegColor::kGray, Bytes(64, 1));
  EXPECT_TRUE(contains(message_of([&] { decode_labels(path("mask.jpg")); }),
                       "mask.jpg: a label image must be PNG (JPEG compression changes the label values)"));
}

TEST_F(ImageDecodingTest, JpegColourSpacesBecomeRgb) {
  // Flat 16x16 colours survive quality-100 JPEG to within rounding.
  Bytes rgb;
  for (int i = 0; i < 256; ++i) rgb.insert(rgb.end(), {200, 100, 50});
  write_jpeg(path("rgb.jpg"), 16, 16, JpegColor::kRgb, rgb);
  Image a = decode_rgb(path("rgb.jpg"));
  ASSERT_EQ(a.pixels.size(), 16u * 16 * 3);
  for (size_t i = 0; i < a.pixels.size(); ++i) EXPECT_NEAR(a.pixels[i], rgb[i % 3], 2) << i;

  write_jpeg(path("gray.jpg"), 16, 16, JpegColor::kGray, Bytes(256, 77));
  Image g = decode_rgb(path("gray.jpg"));
  for (size_t i = 0; i < g.pixels.size(); ++i) EXPECT_NEAR(g.pixels[i], 77, 1) << i;

  // CMYK with Adobe's marker is stored inverted (255 = no ink), as Photoshop writes it and PIL
  // reads it: stored (255, 0, 255, 255) = magenta ink only = green 0, red and blue full.
  Bytes cmyk;
  for (int i = 0; i < 256; ++i) cmyk.insert(cmyk.end(), {255, 0, 255, 255});
  write_jpeg(path("cmyk.jpg"), 16, 16, JpegColor::kCmyk, cmyk);
  Image c = decode_rgb(path("cmyk.jpg"));
  ASSERT_EQ(c.channels, 3);
  for (int i = 0; i < 256; ++i) {
    EXPECT_NEAR(c.pixels[3 * i], 255, 2);
    EXPECT_NEAR(c.pixels[3 * i + 1], 0, 2);
    EXPECT_NEAR(c.pixels[3 * i + 2], 255, 2);
  }
}

TEST_F(ImageDecodingTest, TheFormatComesFromTheBytesNotTheName) {
  // Oxford-IIIT Pet has PNG data in a few .jpg files.
  const std::string p = png("Egyptian_Mau_14.jpg", 2, 1, {2, 8, {}}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(decode_rgb(p).pixels, (Bytes{1, 2, 3, 4, 5, 6}));
  const ImageInfo info = read_image_info(p);
  EXPECT_EQ(info.format, ImageFormat::kPng);
  EXPECT_EQ(info.width, 2);
  EXPECT_EQ(info.height, 1);
  write_jpeg(path("a.jpg"), 24, 8, JpegColor::kRgb, Bytes(24 * 8 * 3, 9));
  const ImageInfo j = read_image_info(path("a.jpg"));
  EXPECT_EQ(j.format, ImageFormat::kJpeg);
  EXPECT_EQ(j.width, 24);
  EXPECT_EQ(j.height, 8);
}

TEST_F(ImageDecodingTest, BadFilesAreNamedWithWhatIsWrong) {
  Bytes noise(64 * 64 * 3);  // incompressible, so that half the file is well past the header
  for (size_t i = 0; i < noise.size(); ++i) noise[i] = static_cast<std::uint8_t>(i * 2654435761u >> 13);
  write_jpeg(path("whole.jpg"), 64, 64, JpegColor::kRgb, noise, 90);
  fs::copy_file(path("whole.jpg"), path("truncated.jpg"));
  fs::resize_file(path("truncated.jpg"), fs::file_size(path("whole.jpg")) / 2);
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(path("truncated.jpg")); }),
                       "truncated.jpg: corrupt JPEG: Premature end of JPEG file"));
  // The header alone is intact: only decoding finds the damage.
  EXPECT_EQ(read_image_info(path("truncated.jpg")).width, 64);

  png("whole.png", 32, 32, {2, 8, {}}, std::vector<std::uint16_t>(32 * 32 * 3, 5));
  fs::copy_file(path("whole.png"), path("truncated.png"));
  fs::resize_file(path("truncated.png"), fs::file_size(path("whole.png")) - 20);
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(path("truncated.png")); }), "truncated.png: corrupt PNG: "));

  const std::string header_only = write("header_only.jpg", std::string("\xFF\xD8\xFF\xE0", 4));
  EXPECT_TRUE(contains(message_of([&] { read_image_info(header_only); }), "header_only.jpg: corrupt JPEG: "));
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(write("anim.jpg", "GIF89a\x01\x00")); }),
                       "anim.jpg: not a JPEG or PNG image (a GIF image); accepted: JPEG, PNG"));
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(write("empty.png", "")); }),
                       "empty.png: not a JPEG or PNG image (an empty file)"));
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(path("missing.jpg")); }),
                       "missing.jpg: cannot open: No such file or directory"));
}

// Found by tests/fuzz/image_fuzzer: a 150-byte JPEG whose header declared 65040 x 32775 pixels
// had the decoder allocate 6.4 GB. Headers past PIL's decompression-bomb limit are refused.
TEST_F(ImageDecodingTest, HeadersDeclaringHugeImagesAreRefusedBeforeAllocating) {
  write_jpeg(path("small.jpg"), 8, 8, JpegColor::kGray, Bytes(64, 1));
  std::string jpeg = read_file(path("small.jpg"));
  const std::size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  jpeg.replace(sof + 5, 4, "\xFF\x00\xFF\x00", 4);  // height, width: 65280 x 65280
  EXPECT_TRUE(contains(message_of([&] { decode_rgb(write("bomb.jpg", jpeg)); }),
                       "bomb.jpg: the header declares more than 178956970 pixels (PIL's decompression-bomb limit)"));
  EXPECT_EQ(read_image_info(path("bomb.jpg")).width, 65280);  // the header itself is readable

  png("small.png", 4, 4, {0, 8, {}}, std::vector<std::uint16_t>(16, 1));
  std::string png_bytes = read_file(path("small.png"));
  png_bytes.replace(16, 8, std::string("\x00\x00\x40\x00\x00\x00\x40\x00", 8));  // IHDR: 16384 x 16384
  const std::uint32_t crc = crc32(0, reinterpret_cast<const Bytef*>(png_bytes.data() + 12), 17);
  for (int i = 0; i < 4; ++i) png_bytes[29 + i] = static_cast<char>(crc >> (24 - 8 * i));
  EXPECT_TRUE(contains(message_of([&] { decode_labels(write("bomb.png", png_bytes)); }),
                       "bomb.png: the header declares more than 178956970 pixels"));
}
