#include "image_decoding.h"

// clang-format off
#include <cstdio>  // jpeglib.h needs FILE first
#include <jpeglib.h>
#include <jerror.h>  // JWRN_JPEG_EOF
#include <png.h>
// clang-format on

#include <csetjmp>
#include <cstring>
#include <memory>

namespace optbench::vision {
namespace {

using File = std::unique_ptr<FILE, int (*)(FILE*)>;

File open_file(const std::string& path) {
  File f(std::fopen(path.c_str(), "rb"), &std::fclose);
  if (!f) throw ImageError(path + ": cannot open: " + std::strerror(errno));
  return f;
}

// The format from the first bytes; what else it is, when it is not an image we read.
ImageFormat sniff(FILE* f, const std::string& path) {
  unsigned char head[12] = {};
  const size_t n = std::fread(head, 1, sizeof(head), f);
  std::rewind(f);
  if (n >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF) return ImageFormat::kJpeg;
  if (n >= 8 && std::memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0) return ImageFormat::kPng;
  std::string what = "unknown data";
  if (n == 0) what = "an empty file";
  else if (n >= 4 && std::memcmp(head, "GIF8", 4) == 0) what = "a GIF image";
  else if (n >= 2 && std::memcmp(head, "BM", 2) == 0) what = "a BMP image";
  else if (n >= 12 && std::memcmp(head, "RIFF", 4) == 0 && std::memcmp(head + 8, "WEBP", 4) == 0) what = "a WebP image";
  throw ImageError(path + ": not a JPEG or PNG image (" + what + "); accepted: JPEG, PNG");
}

// ---- JPEG: libjpeg reports errors through a callback that must not return ----

struct JpegErrors {
  jpeg_error_mgr mgr;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX] = "";
};

[[noreturn]] void jpeg_fail(j_common_ptr cinfo) {
  auto* e = reinterpret_cast<JpegErrors*>(cinfo->err);
  cinfo->err->format_message(cinfo, e->message);
  std::longjmp(e->jump, 1);
}

// libjpeg only warns about a file that ends early (and fills the rest with gray); PIL calls it
// truncated, and so do we. Other warnings (extraneous bytes...) are ignored, as PIL does.
void jpeg_warning(j_common_ptr cinfo, int level) {
  if (level == -1 && cinfo->err->msg_code == JWRN_JPEG_EOF) jpeg_fail(cinfo);
}

// A header may declare any size up to 65535 x 65535 (JPEG) or 2^31 x 2^31 (PNG): a few damaged
// bytes would have us allocate gigabytes. Refused above PIL's limit (twice its MAX_IMAGE_PIXELS,
// where it raises DecompressionBombError).
constexpr std::uint64_t kMaxPixels = 2 * 89478485ULL;
constexpr const char* kTooManyPixels =
    "the header declares more than 178956970 pixels (PIL's decompression-bomb limit): a damaged or hostile file";

bool too_many_pixels(std::uint64_t width, std::uint64_t height) { return width * height > kMaxPixels; }

// Decodes (or, with `header_only`, only reads the header of) a JPEG into RGB.
ImageInfo jpeg_decode(FILE* f, const std::string& path, Image* out) {
  // Everything with a destructor lives before setjmp: the jump back must not skip one.
  jpeg_decompress_struct cinfo{};
  JpegErrors errors;
  std::vector<std::uint8_t> row;
  cinfo.err = jpeg_std_error(&errors.mgr);
  errors.mgr.error_exit = jpeg_fail;
  errors.mgr.emit_message = jpeg_warning;
  if (setjmp(errors.jump)) {
    jpeg_destroy_decompress(&cinfo);
    throw ImageError(path + ": corrupt JPEG: " + errors.message);
  }
  jpeg_create_decompress(&cinfo);
  jpeg_stdio_src(&cinfo, f);
  jpeg_read_header(&cinfo, TRUE);
  const ImageInfo info{ImageFormat::kJpeg, static_cast<int>(cinfo.image_width), static_cast<int>(cinfo.image_height)};
  if (!out) {
    jpeg_destroy_decompress(&cinfo);
    return info;
  }
  if (too_many_pixels(cinfo.image_width, cinfo.image_height)) {
    jpeg_destroy_decompress(&cinfo);
    throw ImageError(path + ": " + kTooManyPixels);
  }
  const bool cmyk = cinfo.jpeg_color_space == JCS_CMYK || cinfo.jpeg_color_space == JCS_YCCK;
  cinfo.out_color_space = cmyk ? JCS_CMYK : JCS_RGB;  // libjpeg-turbo turns grayscale into RGB itself
  jpeg_start_decompress(&cinfo);
  const int w = static_cast<int>(cinfo.output_width), h = static_cast<int>(cinfo.output_height);
  const int components = cinfo.output_components;
  row.resize(static_cast<size_t>(w) * components);
  out->width = w;
  out->height = h;
  out->channels = 3;
  out->pixels.resize(static_cast<size_t>(w) * h * 3);
  for (int y = 0; y < h; ++y) {
    JSAMPROW rows[1] = {cmyk ? row.data() : out->pixels.data() + static_cast<size_t>(y) * w * 3};
    jpeg_read_scanlines(&cinfo, rows, 1);
    if (!cmyk) continue;
    // Adobe writes CMYK inverted (0 = full ink); libjpeg hands the stored values back.
    const bool inverted = cinfo.saw_Adobe_marker;
    std::uint8_t* dst = out->pixels.data() + static_cast<size_t>(y) * w * 3;
    for (int x = 0; x < w; ++x) {
      const std::uint8_t* p = row.data() + 4 * x;
      const int k = inverted ? p[3] : 255 - p[3];
      for (int c = 0; c < 3; ++c) {
        const int ink_free = inverted ? p[c] : 255 - p[c];
        dst[3 * x + c] = static_cast<std::uint8_t>((ink_free * k + 127) / 255);
      }
    }
  }
  jpeg_finish_decompress(&cinfo);
  jpeg_destroy_decompress(&cinfo);
  return info;
}

// ---- PNG: libpng reports errors the same way ----

struct PngErrors {
  std::string message;
  bool refused = false;  // the message is ours: a file we do not take, not a corrupt one
};

[[noreturn]] void png_refuse(png_structp png, const char* why) {
  static_cast<PngErrors*>(png_get_error_ptr(png))->refused = true;
  png_error(png, why);
}

[[noreturn]] void png_fail(png_structp png, png_const_charp message) {
  static_cast<PngErrors*>(png_get_error_ptr(png))->message = message;
  png_longjmp(png, 1);
}

void png_warning_ignored(png_structp, png_const_charp) {}

enum class PngOutput { kHeader, kRgb, kLabels };

ImageInfo png_decode(FILE* f, const std::string& path, PngOutput want, Image* out) {
  // Everything with a destructor lives before setjmp: the jump back must not skip one.
  PngErrors errors;
  std::vector<png_bytep> rows;
  png_structp png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &errors, png_fail, png_warning_ignored);
  png_infop info_ptr = png ? png_create_info_struct(png) : nullptr;
  if (!info_ptr) {
    png_destroy_read_struct(&png, nullptr, nullptr);
    throw ImageError(path + ": out of memory reading PNG");
  }
  if (setjmp(png_jmpbuf(png))) {
    png_destroy_read_struct(&png, &info_ptr, nullptr);
    throw ImageError(path + (errors.refused ? ": " : ": corrupt PNG: ") + errors.message);
  }
  png_init_io(png, f);
  png_read_info(png, info_ptr);
  const auto w = static_cast<int>(png_get_image_width(png, info_ptr));
  const auto h = static_cast<int>(png_get_image_height(png, info_ptr));
  const ImageInfo info{ImageFormat::kPng, w, h};
  if (want == PngOutput::kHeader) {
    png_destroy_read_struct(&png, &info_ptr, nullptr);
    return info;
  }
  if (too_many_pixels(png_get_image_width(png, info_ptr), png_get_image_height(png, info_ptr)))
    png_refuse(png, kTooManyPixels);
  const int color = png_get_color_type(png, info_ptr), depth = png_get_bit_depth(png, info_ptr);
  if (want == PngOutput::kRgb) {
    if (color == PNG_COLOR_TYPE_PALETTE) png_set_palette_to_rgb(png);
    if (color == PNG_COLOR_TYPE_GRAY && depth < 8) png_set_expand_gray_1_2_4_to_8(png);
    if (depth == 16) png_set_strip_16(png);  // keeps the high byte
    if (!(color & PNG_COLOR_MASK_COLOR)) png_set_gray_to_rgb(png);
    png_set_strip_alpha(png);
  } else {
    if ((color & PNG_COLOR_MASK_COLOR) && color != PNG_COLOR_TYPE_PALETTE) {
      png_refuse(png, "a label image needs one channel (palette indices or gray values), this PNG is RGB");
    }
    if (depth == 16) {
      png_refuse(png, "16-bit label images are not supported (8-bit palette or gray values are)");
    }
    if (depth < 8) png_set_packing(png);  // 1, 2 and 4-bit values to one byte each, unscaled
    if (color & PNG_COLOR_MASK_ALPHA) png_set_strip_alpha(png);
  }
  png_set_interlace_handling(png);
  png_read_update_info(png, info_ptr);
  const int channels = want == PngOutput::kRgb ? 3 : 1;
  if (png_get_rowbytes(png, info_ptr) != static_cast<size_t>(w) * channels) {
    png_refuse(png, "unexpected PNG layout after conversion");
  }
  out->width = w;
  out->height = h;
  out->channels = channels;
  out->pixels.resize(static_cast<size_t>(w) * h * channels);
  rows.resize(h);
  for (int y = 0; y < h; ++y) rows[y] = out->pixels.data() + static_cast<size_t>(y) * w * channels;
  png_read_image(png, rows.data());
  png_read_end(png, nullptr);
  png_destroy_read_struct(&png, &info_ptr, nullptr);
  return info;
}

}  // namespace

ImageInfo read_image_info(const std::string& path) {
  File f = open_file(path);
  return sniff(f.get(), path) == ImageFormat::kJpeg ? jpeg_decode(f.get(), path, nullptr)
                                                     : png_decode(f.get(), path, PngOutput::kHeader, nullptr);
}

Image decode_rgb(const std::string& path) {
  File f = open_file(path);
  Image image;
  if (sniff(f.get(), path) == ImageFormat::kJpeg) jpeg_decode(f.get(), path, &image);
  else png_decode(f.get(), path, PngOutput::kRgb, &image);
  return image;
}

Image decode_labels(const std::string& path) {
  File f = open_file(path);
  if (sniff(f.get(), path) == ImageFormat::kJpeg)
    throw ImageError(path + ": a label image must be PNG (JPEG compression changes the label values)");
  Image image;
  png_decode(f.get(), path, PngOutput::kLabels, &image);
  return image;
}

}  // namespace optbench::vision
