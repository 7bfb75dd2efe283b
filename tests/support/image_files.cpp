#include "image_files.h"

// clang-format off
#include <cstdio>
#include <jpeglib.h>
#include <png.h>
// clang-format on

#include <memory>
#include <stdexcept>

namespace optbench::testing {
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

File create(const std::string& path) {
  File f(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!f) throw std::runtime_error("cannot create " + path);
  return f;
}

int channels_of(int color_type) {
  switch (color_type) {
    case PNG_COLOR_TYPE_GRAY: case PNG_COLOR_TYPE_PALETTE: return 1;
    case PNG_COLOR_TYPE_GRAY_ALPHA: return 2;
    case PNG_COLOR_TYPE_RGB: return 3;
    default: return 4;
  }
}

}  // namespace

void write_jpeg(const std::string& path, int width, int height, JpegColor color,
                const std::vector<std::uint8_t>& pixels, int quality) {
  File f = create(path);
  jpeg_compress_struct cinfo{};
  jpeg_error_mgr errors{};
  cinfo.err = jpeg_std_error(&errors);
  jpeg_create_compress(&cinfo);
  jpeg_stdio_dest(&cinfo, f.get());
  cinfo.image_width = width;
  cinfo.image_height = height;
  cinfo.input_components = color == JpegColor::kRgb ? 3 : color == JpegColor::kGray ? 1 : 4;
  cinfo.in_color_space = color == JpegColor::kRgb ? JCS_RGB : color == JpegColor::kGray ? JCS_GRAYSCALE : JCS_CMYK;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, quality, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  const size_t stride = static_cast<size_t>(width) * cinfo.input_components;
  for (int y = 0; y < height; ++y) {
    JSAMPROW row = const_cast<JSAMPROW>(pixels.data() + y * stride);
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
}

void write_png(const std::string& path, int width, int height, const PngSpec& spec,
               const std::vector<std::uint16_t>& samples) {
  File f = create(path);
  png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, nullptr, nullptr, nullptr);
  png_infop info = png_create_info_struct(png);
  png_init_io(png, f.get());
  png_set_IHDR(png, info, width, height, spec.bit_depth, spec.color_type, PNG_INTERLACE_NONE,
               PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  std::vector<png_color> palette;
  for (size_t i = 0; i + 2 < spec.palette.size(); i += 3)
    palette.push_back({spec.palette[i], spec.palette[i + 1], spec.palette[i + 2]});
  if (!palette.empty()) png_set_PLTE(png, info, palette.data(), static_cast<int>(palette.size()));
  png_write_info(png, info);
  const int per_row = width * channels_of(spec.color_type);
  std::vector<std::uint8_t> row((per_row * spec.bit_depth + 7) / 8);
  for (int y = 0; y < height; ++y) {
    std::fill(row.begin(), row.end(), 0);
    for (int i = 0; i < per_row; ++i) {
      const std::uint16_t v = samples.at(static_cast<size_t>(y) * per_row + i);
      if (spec.bit_depth == 16) {
        row[2 * i] = v >> 8;
        row[2 * i + 1] = v & 0xFF;
      } else if (spec.bit_depth == 8) {
        row[i] = static_cast<std::uint8_t>(v);
      } else {  // most significant bits first
        const int bit = i * spec.bit_depth;
        row[bit / 8] |= static_cast<std::uint8_t>(v << (8 - spec.bit_depth - bit % 8));
      }
    }
    png_write_row(png, row.data());
  }
  png_write_end(png, nullptr);
  png_destroy_write_struct(&png, &info);
}

}  // namespace optbench::testing
