// CIFAR-10 binary batch files.
#include "cifar_format.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = optbench::fuzz::as_file(data, size);
  optbench::fuzz::refusals_allowed([&] {
    optbench::vision::CifarRecords records;
    optbench::vision::read_cifar10_batch(path, records);
  });
  return 0;
}
