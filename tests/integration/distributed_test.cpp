// Data-parallel training with c10d (Gloo) on 127.0.0.1: two ranks end with the same parameters,
// equal to float tolerance to one process training on the same global batches, whether launched
// by setting RANK/WORLD_SIZE or by torchrun --no_python; only rank 0 writes results.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <torch/torch.h>
#include <unistd.h>

#include "fixtures.h"

namespace fs = std::filesystem;
using json = nlohmann::json;
using namespace optbench::testing;

namespace {

// A port nothing listens on now (the kernel's choice for port 0).
int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address));
  socklen_t length = sizeof(address);
  getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
  close(fd);
  return ntohs(address.sin_port);
}

// No dropout (its masks are drawn per process) and no batch norm in cnn_scratch. 270 training
// samples in batches of 269: the last batch has one sample, so one rank's slice is empty.
std::string experiment(const fs::path& data) {
  return "name = \"dp\"\noptimizers = [\"adam\"]\n"
         "[task]\nname = \"image_classification\"\n"
         "[dataset]\nname = \"fashion_mnist\"\nroot = \"" + data.string() + "\"\n"
         "[model]\nname = \"cnn_scratch\"\nchannels = [8, 16]\nhidden = 32\ndropout = 0.0\n"
         "[training]\nepochs = 3\nbatch_size = 269\nseeds = [1]\nthreads = 1\nnum_workers = 1\n"
         "log_every_steps = 1\n"
         "[lr_overrides]\nadam = 0.003\n";
}

// Every tensor of a module's archive (submodules are nested archives), by dotted name.
void collect(torch::serialize::InputArchive& archive, const std::string& prefix,
             std::map<std::string, torch::Tensor>& out) {
  for (const auto& key : archive.keys()) {
    torch::Tensor t;
    if (archive.try_read(key, t)) {
      out[prefix + key] = t;
    } else {
      torch::serialize::InputArchive sub;
      if (archive.try_read(key, sub)) collect(sub, prefix + key + ".", out);
    }
  }
}

std::map<std::string, torch::Tensor> final_parameters(const fs::path& run_dir) {
  torch::serialize::InputArchive checkpoint, model;
  checkpoint.load_from((run_dir / "checkpoint.pt").string());
  checkpoint.read("model", model);
  std::map<std::string, torch::Tensor> out;
  collect(model, "", out);
  return out;
}

void expect_same_training(const fs::path& one_process, const fs::path& two_ranks) {
  const auto single = run_dirs(one_process), parallel = run_dirs(two_ranks);
  ASSERT_EQ(single.size(), 1u);
  ASSERT_EQ(parallel.size(), 1u);
  EXPECT_EQ(single[0].filename(), parallel[0].filename());
  const json a = read_json(single[0] / "summary.json"), b = read_json(parallel[0] / "summary.json");
  EXPECT_EQ(b["status"], "completed") << b;
  EXPECT_EQ(b["ranks"], 2);
  EXPECT_EQ(b["parameters_identical_on_ranks"], true);  // checked bit for bit across the ranks
  EXPECT_EQ(a["steps"], b["steps"]);
  EXPECT_NEAR(a["final_train_loss"].get<double>(), b["final_train_loss"].get<double>(), 1e-5);
  EXPECT_NEAR(a["test"]["loss"].get<double>(), b["test"]["loss"].get<double>(), 1e-5);
  const auto pa = final_parameters(single[0]), pb = final_parameters(parallel[0]);
  ASSERT_EQ(pa.size(), pb.size());
  ASSERT_GT(pa.size(), 0u);
  for (const auto& [name, t] : pa) {
    ASSERT_TRUE(pb.count(name)) << name;
    // Summing in two halves rounds differently; Adam's scale-free step lifts that rounding to about
    // 1e-6 where a gradient is near zero. A wrong weighting of the halves would move weights by ~1e-3.
    EXPECT_TRUE(torch::allclose(t, pb.at(name), 1e-4, 1e-5))
        << name << ": max difference " << (t - pb.at(name)).abs().max().item<double>();
  }
  // Rank 0 wrote the results, once: one line per epoch.
  int epochs = 0;
  for (const auto& line : read_jsonl(parallel[0] / "metrics.jsonl")) epochs += line["type"] == "epoch";
  EXPECT_EQ(epochs, 3);
}

const std::string kCleanEnvironment = "env -u OPTBENCH_PLUGIN_PATH OPTBENCH_HOST_CONFIG= XDG_CONFIG_HOME=/nonexistent ";

}  // namespace

TEST_F(HostTest, VersionSaysWhetherC10dIsBuilt) {
  const auto v = run_host("--version");
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_NE(v.output.find("data-parallel c10d backends: gloo"), std::string::npos) << v.output;
  // A CUDA LibTorch brings NCCL, which the host compiles in for runs on GPUs.
  EXPECT_EQ(v.output.find("and nccl for runs on GPUs") != std::string::npos, bool(OPTBENCH_TORCH_HAS_CUDA)) << v.output;
}

TEST_F(HostTest, TwoGlooRanksTrainAsOneProcessOnTheSameGlobalBatches) {
  write_idx_dataset(dir_ / "data", 300, 50);
  write_file(dir_ / "dp.toml", experiment(dir_ / "data"));
  const auto single = run_host("run '" + (dir_ / "dp.toml").string() + "' --output-dir '" + (dir_ / "one").string() + "'");
  ASSERT_EQ(single.exit_code, 0) << single.output;

  const std::string rank = kCleanEnvironment + "WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=" +
                           std::to_string(free_port()) + " RANK=";
  const std::string run = " '" + std::string(OPTBENCH_HOST) + "' run '" + (dir_ / "dp.toml").string() +
                          "' --output-dir '" + (dir_ / "two").string() + "'";
  const auto both = run_command("(" + rank + "0" + run + " > '" + (dir_ / "rank0.log").string() + "' 2>&1; echo $? > '" +
                                (dir_ / "rank0.rc").string() + "') & (" + rank + "1" + run + " > '" +
                                (dir_ / "rank1.log").string() + "' 2>&1; echo $? > '" + (dir_ / "rank1.rc").string() +
                                "') & wait");
  ASSERT_EQ(read_file(dir_ / "rank0.rc"), "0\n") << read_file(dir_ / "rank0.log");
  ASSERT_EQ(read_file(dir_ / "rank1.rc"), "0\n") << read_file(dir_ / "rank1.log");
  EXPECT_NE(read_file(dir_ / "rank1.log").find("rank 1 of 2 (local rank 1): connecting to 127.0.0.1"), std::string::npos);
  expect_same_training(dir_ / "one" / "dp", dir_ / "two" / "dp");
}

TEST_F(HostTest, TorchrunLaunchesTheRanks) {
  write_idx_dataset(dir_ / "data", 300, 50);
  write_file(dir_ / "dp.toml", experiment(dir_ / "data"));
  const auto single = run_host("run '" + (dir_ / "dp.toml").string() + "' --output-dir '" + (dir_ / "one").string() + "'");
  ASSERT_EQ(single.exit_code, 0) << single.output;
  // The torch wheel's own torchrun (.venv/bin), as a user of that environment launches ranks.
  const auto launched = run_command(kCleanEnvironment + "'" OPTBENCH_TORCHRUN "' --no_python --nproc_per_node 2 --master_port " +
                                    std::to_string(free_port()) + " '" + OPTBENCH_HOST + "' run '" +
                                    (dir_ / "dp.toml").string() + "' --output-dir '" + (dir_ / "two").string() + "'");
  ASSERT_EQ(launched.exit_code, 0) << launched.output;
  expect_same_training(dir_ / "one" / "dp", dir_ / "two" / "dp");
}
