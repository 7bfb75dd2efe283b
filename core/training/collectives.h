// Data-parallel training of one run across processes with LibTorch's c10d: the rank and world
// size from the launcher's environment (torchrun, srun, mpirun), and the collectives the trainer
// needs. NCCL for runs on GPUs (one per rank) when LibTorch has it, Gloo on CPU; built only when
// c10d with Gloo is available (`optbench-host --version`).
#pragma once

#include <torch/torch.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace optbench::core {

class Collectives {
 public:
  virtual ~Collectives() = default;
  virtual int rank() const = 0;
  virtual int world_size() const = 0;
  // Where the tensors it reduces live: the rank's GPU (NCCL), or the CPU; where the run trains.
  virtual torch::Device device() const = 0;
  // Every rank gets rank 0's values of `tensors`, in place.
  virtual void broadcast(const std::vector<torch::Tensor>& tensors) = 0;
  // Sums `tensors` in place across ranks, flattened into buckets of about 25 MB.
  virtual void all_reduce_sum(const std::vector<torch::Tensor>& tensors) = 0;
  // True when every rank passed the same value (a fingerprint of its parameters, say).
  virtual bool same_on_all_ranks(std::int64_t value) = 0;
  virtual void barrier() = 0;
  double sum(double x) {
    torch::Tensor t = torch::tensor(x, torch::TensorOptions().dtype(torch::kFloat64).device(device()));
    all_reduce_sum({t});
    return t.item<double>();
  }
};

struct LaunchEnvironment {
  int rank = 0, world_size = 1;
  int local_rank = 0;  // among the ranks on this machine
  std::string master_addr = "127.0.0.1";
  int master_port = 29500;
  bool agent_store = false;  // torchrun's agent already serves the TCPStore: every rank is a client
};

// RANK and WORLD_SIZE (torchrun), OMPI_COMM_WORLD_RANK/SIZE (Open MPI), PMI_RANK/SIZE (MPICH) or
// SLURM_PROCID and SLURM_NTASKS (srun), with MASTER_ADDR (default 127.0.0.1) and MASTER_PORT
// (29500); nullopt for a single process (world size 1 or unset). The local rank from LOCAL_RANK,
// OMPI_COMM_WORLD_LOCAL_RANK, MPI_LOCALRANKID or SLURM_LOCALID, as the same launcher sets it
// (the rank itself when none is set: one machine).
// Throws on values that do not make sense, naming the variable.
std::optional<LaunchEnvironment> launch_environment();

// The process groups this host was built with, for --version ("gloo", or NCCL too), else ""
// (and connect throws).
const char* c10d_backend();

// Connects to the other ranks: a TCPStore at MASTER_ADDR:MASTER_PORT (rank 0 serves it unless
// torchrun's agent does), then a process group for tensors on `device`: NCCL on a GPU, Gloo on
// the CPU.
std::unique_ptr<Collectives> connect(const LaunchEnvironment& environment, torch::Device device);

}  // namespace optbench::core
