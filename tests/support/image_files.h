// Writes JPEG and PNG files with libjpeg-turbo and libpng, for decoder and dataset fixtures.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace optbench::testing {

enum class JpegColor { kRgb, kGray, kCmyk };  // kCmyk: stored values, with libjpeg's Adobe marker

// `pixels`: row-major, 3 (RGB), 1 (gray) or 4 (CMYK) bytes per pixel.
void write_jpeg(const std::string& path, int width, int height, JpegColor color,
                const std::vector<std::uint8_t>& pixels, int quality = 100);

struct PngSpec {
  int color_type = 2;  // libpng's PNG_COLOR_TYPE_*: 0 gray, 2 RGB, 3 palette, 4 gray+alpha, 6 RGBA
  int bit_depth = 8;
  std::vector<std::uint8_t> palette;  // RGB triples, for palette images
};

// `samples`: row-major, one value per channel sample (16-bit samples as numbers up to 65535,
// sub-byte samples as their values); packed here as PNG wants.
void write_png(const std::string& path, int width, int height, const PngSpec& spec,
               const std::vector<std::uint16_t>& samples);

}  // namespace optbench::testing
