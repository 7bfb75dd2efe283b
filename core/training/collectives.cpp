#include "training/collectives.h"

#include <cstdlib>

#ifdef OPTBENCH_WITH_C10D
#include <torch/csrc/distributed/c10d/ProcessGroupGloo.hpp>
#include <torch/csrc/distributed/c10d/TCPStore.hpp>
#endif
#ifdef USE_C10D_NCCL
#include <torch/csrc/distributed/c10d/ProcessGroupNCCL.hpp>
#endif

namespace optbench::core {

namespace {

std::optional<std::string> variable(const char* name) {
  const char* v = std::getenv(name);
  if (!v || !*v) return std::nullopt;
  return std::string(v);
}

int integer_variable(const char* name, const std::string& text, int low) {
  std::size_t used = 0;
  int x = 0;
  try {
    x = std::stoi(text, &used);
  } catch (const std::exception&) {
  }
  if (used != text.size() || used == 0 || x < low)
    throw std::runtime_error("environment variable " + std::string(name) + "=" + text + ": expected an integer >= " +
                             std::to_string(low));
  return x;
}

#ifdef OPTBENCH_WITH_C10D
constexpr std::int64_t kBucketBytes = 25 << 20;  // DistributedDataParallel's default bucket size

// Gloo over TCP on the interface GLOO_SOCKET_IFNAME names, or the one the master address implies.
c10::intrusive_ptr<c10d::Backend> gloo_group(const c10::intrusive_ptr<c10d::Store>& store,
                                             const LaunchEnvironment& env, std::chrono::seconds timeout) {
  auto options = c10d::ProcessGroupGloo::Options::create(timeout);
  // GLOO_SOCKET_IFNAME picks the interface, as in PyTorch; a loopback master means one machine.
  if (auto ifname = variable("GLOO_SOCKET_IFNAME"))
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForInterface(*ifname));
  else if (env.master_addr == "127.0.0.1" || env.master_addr == "localhost")
    options->devices.push_back(c10d::ProcessGroupGloo::createDeviceForHostname("127.0.0.1"));
  else
    options->devices.push_back(c10d::ProcessGroupGloo::createDefaultDevice());
  return c10::make_intrusive<c10d::ProcessGroupGloo>(store, env.rank, env.world_size, options);
}

// One c10d process group: NCCL for a run on a GPU (when LibTorch has it), Gloo otherwise.
class C10dCollectives final : public Collectives {
 public:
  C10dCollectives(const LaunchEnvironment& env, torch::Device device)
      : rank_(env.rank), world_(env.world_size), device_(device) {
    const std::chrono::seconds timeout(std::stoi(variable("OPTBENCH_C10D_TIMEOUT").value_or("600")));
    c10d::TCPStoreOptions store_options;
    store_options.port = static_cast<std::uint16_t>(env.master_port);
    store_options.isServer = env.rank == 0 && !env.agent_store;
    store_options.numWorkers = env.world_size;
    store_options.timeout = timeout;
    auto store = c10::make_intrusive<c10d::TCPStore>(env.master_addr, store_options);
#ifdef USE_C10D_NCCL
    if (device.is_cuda()) {
      auto options = c10d::ProcessGroupNCCL::Options::create();
      options->timeout = timeout;
      group_ = c10::make_intrusive<c10d::ProcessGroupNCCL>(store, env.rank, env.world_size, options);
      group_->setBoundDeviceId(device);  // one GPU per rank: NCCL connects it at the first collective
      return;
    }
#endif
    group_ = gloo_group(store, env, timeout);
  }
  ~C10dCollectives() override { group_->shutdown(); }  // NCCL's communicators and watchdog, before exit
  C10dCollectives(const C10dCollectives&) = delete;
  C10dCollectives& operator=(const C10dCollectives&) = delete;

  int rank() const override { return rank_; }
  int world_size() const override { return world_; }
  torch::Device device() const override { return device_; }

  void broadcast(const std::vector<torch::Tensor>& tensors) override {
    for (const auto& t : tensors) {
      std::vector<torch::Tensor> one{t.is_contiguous() ? t : t.contiguous()};
      group_->broadcast(one, c10d::BroadcastOptions{})->wait();
      if (!one[0].is_same(t)) t.copy_(one[0]);
    }
  }

  void all_reduce_sum(const std::vector<torch::Tensor>& tensors) override {
    std::vector<torch::Tensor> bucket;
    std::int64_t bytes = 0;
    auto flush = [&] {
      if (bucket.empty()) return;
      std::vector<torch::Tensor> flat{torch::cat(flattened(bucket))};
      group_->allreduce(flat)->wait();
      std::int64_t offset = 0;
      for (auto& t : bucket) {
        t.copy_(flat[0].slice(0, offset, offset + t.numel()).view_as(t));
        offset += t.numel();
      }
      bucket.clear();
      bytes = 0;
    };
    for (const auto& t : tensors) {
      if (!bucket.empty() && (bytes + t.nbytes() > kBucketBytes || t.scalar_type() != bucket.front().scalar_type()))
        flush();
      bucket.push_back(t);
      bytes += static_cast<std::int64_t>(t.nbytes());
    }
    flush();
  }

  bool same_on_all_ranks(std::int64_t value) override {
    std::vector<torch::Tensor> low{torch::tensor(value, torch::TensorOptions().dtype(torch::kInt64).device(device_))},
        high{low[0].clone()};
    c10d::AllreduceOptions min, max;
    min.reduceOp = c10d::ReduceOp::MIN;
    max.reduceOp = c10d::ReduceOp::MAX;
    group_->allreduce(low, min)->wait();
    group_->allreduce(high, max)->wait();
    return low[0].item<std::int64_t>() == high[0].item<std::int64_t>();
  }

  void barrier() override {
    c10d::BarrierOptions options;
    if (device_.is_cuda()) options.device_ids = {device_.index()};  // NCCL would otherwise guess it
    group_->barrier(options)->wait();
  }

 private:
  static std::vector<torch::Tensor> flattened(const std::vector<torch::Tensor>& tensors) {
    std::vector<torch::Tensor> out;
    for (const auto& t : tensors) out.push_back(t.reshape({-1}));
    return out;
  }
  int rank_, world_;
  torch::Device device_;
  c10::intrusive_ptr<c10d::Backend> group_;
};
#endif

}  // namespace

std::optional<LaunchEnvironment> launch_environment() {
  LaunchEnvironment env;
  // torchrun (or set by hand), Open MPI's mpirun, MPICH's mpirun, srun: the first that is set.
  struct Launcher {
    const char *rank, *world, *local_rank;
  };
  const Launcher launchers[] = {{"RANK", "WORLD_SIZE", "LOCAL_RANK"},
                                {"OMPI_COMM_WORLD_RANK", "OMPI_COMM_WORLD_SIZE", "OMPI_COMM_WORLD_LOCAL_RANK"},
                                {"PMI_RANK", "PMI_SIZE", "MPI_LOCALRANKID"},
                                {"SLURM_PROCID", "SLURM_NTASKS", "SLURM_LOCALID"}};
  const char *rank_name = nullptr, *world_name = nullptr, *local_name = nullptr;
  std::optional<std::string> rank, world;
  for (const auto& l : launchers) {
    if (!variable(l.world)) continue;
    rank_name = l.rank;
    world_name = l.world;
    local_name = l.local_rank;
    rank = variable(l.rank);
    world = variable(l.world);
    break;
  }
  if (!world) return std::nullopt;
  env.world_size = integer_variable(world_name, *world, 1);
  if (env.world_size == 1) return std::nullopt;
  if (!rank) throw std::runtime_error(std::string(world_name) + " is set but " + rank_name + " is not");
  env.rank = integer_variable(rank_name, *rank, 0);
  if (env.rank >= env.world_size)
    throw std::runtime_error(std::string(rank_name) + "=" + *rank + " is not below " + world_name + "=" + *world);
  const auto local = variable(local_name);
  env.local_rank = local ? integer_variable(local_name, *local, 0) : env.rank;
  env.master_addr = variable("MASTER_ADDR").value_or("127.0.0.1");
  if (auto port = variable("MASTER_PORT")) env.master_port = integer_variable("MASTER_PORT", *port, 1);
  env.agent_store = variable("TORCHELASTIC_USE_AGENT_STORE").value_or("") == "True";
  return env;
}

const char* c10d_backend() {
#if defined(OPTBENCH_WITH_C10D) && defined(USE_C10D_NCCL)
  return "gloo, and nccl for runs on GPUs";
#elif defined(OPTBENCH_WITH_C10D)
  return "gloo";
#else
  return "";
#endif
}

std::unique_ptr<Collectives> connect(const LaunchEnvironment& env, torch::Device device) {
#ifdef OPTBENCH_WITH_C10D
  return std::make_unique<C10dCollectives>(env, device);
#else
  throw std::runtime_error("this optbench-host was built without c10d (see optbench-host --version): "
                           "install libgloo-dev and build again to train with " + std::to_string(env.world_size) +
                           " processes");
#endif
}

}  // namespace optbench::core
