// JPEG (libjpeg-turbo) and PNG (libpng) decoding for the segmentation datasets. The format is
// told by the file's first bytes, not its name: Oxford-IIIT Pet has PNG data in .jpg files.
// Photographs come out as 8-bit RGB whatever they were stored as (grayscale, palette, RGBA,
// 16-bit, CMYK/YCCK JPEG); label images as one 8-bit value per pixel. Every error names the file.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace optbench::vision {

struct ImageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum class ImageFormat { kJpeg, kPng };

struct ImageInfo {
  ImageFormat format;
  int width = 0, height = 0;
};

struct Image {
  int width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // row-major, channels interleaved
};

// Reads the header only: the format, the size, and whether the file is an image at all.
ImageInfo read_image_info(const std::string& path);

// Width x height x 3. Alpha is dropped (as PIL's convert("RGB")); CMYK converts as PIL does,
// R = (255 - C)(255 - K) / 255, with Adobe's inverted CMYK read the right way round.
Image decode_rgb(const std::string& path);

// Width x height x 1: palette indices or gray values, unconverted (trimaps, ADE20K class ids).
// A colour image is refused: its values would not be labels.
Image decode_labels(const std::string& path);

}  // namespace optbench::vision
