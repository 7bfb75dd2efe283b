// Splits (train/validation/test index sets over a dataset) and a batch stream
// that prepares upcoming batches on worker threads while the model trains.
#pragma once

#include <optbench/task.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <thread>
#include <vector>

namespace optbench::core {

struct SplitView {
  std::string split;      // the dataset's split the indices point into
  torch::Tensor indices;  // int64, CPU
  std::int64_t size() const { return indices.defined() ? indices.size(0) : 0; }
};

struct DataSplits {
  SplitView train, validation, test;
  std::string description;  // for details.txt
};

// Uses the dataset's own "validation" split when it has one, otherwise holds out
// `validation_fraction` of "train" (a fixed permutation, the same for every run).
// `max_samples` > 0 caps every split.
DataSplits make_splits(const Dataset& dataset, double validation_fraction, std::int64_t max_samples);

torch::Generator make_generator(std::uint64_t seed);

// Threads that run jobs in order of submission. Each runs its LibTorch ops on one intra-op
// thread, as PyTorch's DataLoader workers do: N workers preparing whole batches side by side
// beat nested thread teams competing with the training step for the same cores.
class WorkerThreads {
 public:
  explicit WorkerThreads(std::int64_t count);
  ~WorkerThreads();  // finishes the running jobs, drops the queued ones
  void post(std::function<void()> job);

 private:
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> jobs_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

// This process's part of every batch in data-parallel training: `index` of `count` equal slices.
struct Shard {
  std::int64_t index = 0, count = 1;
};

// Where batches go: the device, and whether image batches (4-D float tensors) are stored
// channels-last there ([training] channels_last).
struct Placement {
  Placement(torch::Device device, bool channels_last = false) : device(device), channels_last(channels_last) {}
  torch::Device device;
  bool channels_last;
};

class BatchStream {
 public:
  // Shuffles with `seed` when `training`; batch b gets its own generator seeded from
  // (seed, b), so results do not depend on the number of workers (0: prepared on demand).
  // With a shard, every process draws the same order and takes its slice of each batch.
  // For a GPU, the workers copy each batch from pinned memory without waiting for the copy
  // (the stream orders it before the step that reads it), then prepare it there.
  BatchStream(const Dataset& dataset, const Task& task, const SplitView& view, std::int64_t batch_size,
              bool training, std::uint64_t seed, std::int64_t workers, Placement placement, Shard shard = {});
  std::int64_t batches() const { return batches_; }
  // False at the end of the split.
  bool next(Batch& batch);
  // Starts at batch `batches` instead of 0 (a run resumed within an epoch); before the first next().
  void skip(std::int64_t batches);
  // The whole batch's size (all shards) of the batch `next` returned last.
  std::int64_t global_batch_size() const;

 private:
  Batch make(std::int64_t b) const;
  Batch slice(Batch batch) const;
  void fill();

  const Dataset& dataset_;
  const Task& task_;
  SplitView view_;
  torch::Tensor order_;
  std::int64_t batch_size_, batches_, next_to_start_ = 0, next_to_return_ = 0;
  bool training_;
  std::uint64_t seed_;
  std::int64_t workers_;
  Placement placement_;
  Shard shard_;
  std::deque<std::future<Batch>> pending_;
  std::unique_ptr<WorkerThreads> worker_threads_;  // last: stopped first, while the rest still exists
};

}  // namespace optbench::core
