// JPEG and PNG images and label masks (Oxford-IIIT Pet, ADE20K).
#include "fuzz_input.h"
#include "image_decoding.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] { optbench::vision::read_image_info(path); });
  optbench::fuzz::refusals_allowed([&] { optbench::vision::decode_rgb(path); });
  optbench::fuzz::refusals_allowed([&] { optbench::vision::decode_labels(path); });
  return 0;
}
