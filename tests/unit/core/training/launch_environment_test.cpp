// The rank, world size and local rank (which GPU) of a data-parallel process, from each launcher's
// environment variables.
#include <gtest/gtest.h>

#include <cstdlib>

#include "training/collectives.h"

using namespace optbench::core;

namespace {

// Sets the variables for one test and removes them after it.
class Environment {
 public:
  explicit Environment(std::initializer_list<std::pair<const char*, const char*>> values) {
    for (const auto& [name, value] : values) {
      setenv(name, value, 1);
      names_.push_back(name);
    }
  }
  ~Environment() {
    for (const char* name : names_) unsetenv(name);
  }

 private:
  std::vector<const char*> names_;
};

}  // namespace

TEST(LaunchEnvironment, TorchrunGivesRankWorldAndLocalRank) {
  const Environment env{{"RANK", "5"}, {"WORLD_SIZE", "8"}, {"LOCAL_RANK", "1"}, {"MASTER_PORT", "29600"}};
  const auto launch = launch_environment();
  ASSERT_TRUE(launch);
  EXPECT_EQ(launch->rank, 5);
  EXPECT_EQ(launch->world_size, 8);
  EXPECT_EQ(launch->local_rank, 1);
  EXPECT_EQ(launch->master_port, 29600);
}

TEST(LaunchEnvironment, SrunGivesTheLocalIdAndOneMachineFallsBackToTheRank) {
  {
    const Environment env{{"SLURM_PROCID", "3"}, {"SLURM_NTASKS", "4"}, {"SLURM_LOCALID", "0"}};
    EXPECT_EQ(launch_environment()->local_rank, 0);
  }
  {
    const Environment env{{"OMPI_COMM_WORLD_RANK", "2"}, {"OMPI_COMM_WORLD_SIZE", "4"}};
    EXPECT_EQ(launch_environment()->local_rank, 2) << "no local rank: all ranks on this machine";
  }
  EXPECT_FALSE(launch_environment()) << "no launcher: one process";
}

TEST(LaunchEnvironment, BadLocalRankNamesTheVariable) {
  const Environment env{{"RANK", "0"}, {"WORLD_SIZE", "2"}, {"LOCAL_RANK", "first"}};
  try {
    launch_environment();
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(), "environment variable LOCAL_RANK=first: expected an integer >= 0");
  }
}
