// `run --jobs N` on a machine with GPUs: which GPU each worker process sees.
#include <gtest/gtest.h>

#include "scale/run_jobs.h"

using namespace optbench::core;

TEST(GpuPlacement, VisibleGpusFollowCudaVisibleDevices) {
  EXPECT_EQ(visible_gpus(nullptr, 3), (std::vector<std::string>{"0", "1", "2"}));
  EXPECT_EQ(visible_gpus("4,6", 2), (std::vector<std::string>{"4", "6"})) << "ids as the user's list has them";
  EXPECT_EQ(visible_gpus("GPU-5d2e,GPU-77aa,", 2), (std::vector<std::string>{"GPU-5d2e", "GPU-77aa"}));
  EXPECT_EQ(visible_gpus("1,2,3", 1), (std::vector<std::string>{"1"})) << "only as many as CUDA sees";
  EXPECT_TRUE(visible_gpus(nullptr, 0).empty());
}

TEST(GpuPlacement, EachWorkerGetsTheLeastUsedGpu) {
  const std::vector<std::string> gpus{"0", "1", "2"};
  std::map<pid_t, std::string> in_use;
  EXPECT_EQ(least_used_gpu(gpus, in_use), "0");
  in_use[100] = "0";
  EXPECT_EQ(least_used_gpu(gpus, in_use), "1");
  in_use[101] = "1";
  in_use[102] = "2";
  EXPECT_EQ(least_used_gpu(gpus, in_use), "0") << "all busy: share the first";
  in_use.erase(101);  // the worker on GPU 1 finished
  EXPECT_EQ(least_used_gpu(gpus, in_use), "1");
  EXPECT_EQ(least_used_gpu({}, in_use), "") << "CPU runs: no GPU";
}
