#include "training/data_pipeline.h"

#include <ATen/CPUGeneratorImpl.h>
#include <optbench/params.h>

#include <dlfcn.h>

#include <algorithm>

namespace optbench::core {

torch::Generator make_generator(std::uint64_t seed) { return at::detail::createCPUGenerator(seed); }

DataSplits make_splits(const Dataset& dataset, double validation_fraction, std::int64_t max_samples) {
  const auto names = dataset.splits();
  auto has = [&](const std::string& s) { return std::find(names.begin(), names.end(), s) != names.end(); };
  if (!has("train")) throw std::runtime_error("dataset has no 'train' split");
  auto all = [&](const std::string& s) { return SplitView{s, torch::arange(dataset.size(s), torch::kInt64)}; };
  DataSplits out;
  if (has("validation")) {
    out.train = all("train");
    out.validation = all("validation");
    out.description = "validation: the dataset's own validation split";
  } else {
    const std::int64_t n = dataset.size("train");
    const auto n_val = static_cast<std::int64_t>(validation_fraction * n);
    if (n_val < 1 || n_val >= n)
      throw std::runtime_error("validation_fraction " + optbench::format_number(validation_fraction) +
                               " holds out no validation samples, or leaves no training samples, of the " +
                               std::to_string(n) + " in the dataset's 'train' split");
    // Seed 0 on purpose: every optimizer and seed sees the same held-out samples.
    auto generator = make_generator(0);
    auto perm = torch::randperm(n, generator, torch::kInt64);
    out.validation = {"train", perm.slice(0, 0, n_val)};
    out.train = {"train", perm.slice(0, n_val)};
    out.description = "validation: " + std::to_string(n_val) + " samples held out of 'train' (fraction " +
                      optbench::format_number(validation_fraction) + ", fixed permutation)";
  }
  if (has("test")) out.test = all("test");
  if (max_samples > 0) {
    for (SplitView* v : {&out.train, &out.validation, &out.test})
      if (v->size() > max_samples) v->indices = v->indices.slice(0, 0, max_samples);
    out.description += "; every split capped at " + std::to_string(max_samples) + " samples";
  }
  out.description = "train " + std::to_string(out.train.size()) + ", validation " +
                    std::to_string(out.validation.size()) + ", test " + std::to_string(out.test.size()) +
                    " samples; " + out.description;
  return out;
}

namespace {

// omp_set_num_threads of the OpenMP runtime LibTorch was built with (Debian's libgomp, or the
// copy bundled with pytorch.org's LibTorch), looked up at run time so that no second runtime is
// linked in; a no-op for a LibTorch without OpenMP. It sets only the calling thread's team size,
// where at::set_num_threads would also change the process-wide default.
void use_one_intraop_thread() {
  using SetNumThreads = void (*)(int);
  static const auto set = reinterpret_cast<SetNumThreads>(dlsym(RTLD_DEFAULT, "omp_set_num_threads"));
  if (set) set(1);
}

}  // namespace

WorkerThreads::WorkerThreads(std::int64_t count) {
  for (std::int64_t i = 0; i < count; ++i)
    threads_.emplace_back([this] {
      use_one_intraop_thread();
      std::unique_lock<std::mutex> lock(mutex_);
      while (true) {
        wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
        if (stopping_) return;
        auto job = std::move(jobs_.front());
        jobs_.pop_front();
        lock.unlock();
        job();
        lock.lock();
      }
    });
}

WorkerThreads::~WorkerThreads() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& t : threads_) t.join();
}

void WorkerThreads::post(std::function<void()> job) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    jobs_.push_back(std::move(job));
  }
  wake_.notify_one();
}

BatchStream::BatchStream(const Dataset& dataset, const Task& task, const SplitView& view,
                         std::int64_t batch_size, bool training, std::uint64_t seed, std::int64_t workers,
                         Placement placement, Shard shard)
    : dataset_(dataset),
      task_(task),
      view_(view),
      batch_size_(batch_size),
      batches_((view.size() + batch_size - 1) / batch_size),
      training_(training),
      seed_(seed),
      workers_(workers),
      placement_(placement),
      shard_(shard) {
  if (training) {
    auto generator = make_generator(seed);
    order_ = view_.indices.index_select(0, torch::randperm(view_.size(), generator, torch::kInt64));
  } else {
    order_ = view_.indices;
  }
  if (workers_ > 0) worker_threads_ = std::make_unique<WorkerThreads>(workers_);
}

Batch BatchStream::make(std::int64_t b) const {
  const std::int64_t begin = b * batch_size_;
  const std::int64_t end = std::min(begin + batch_size_, view_.size());
  const c10::DeviceGuard on_device(placement_.device);  // workers: kernels go to the run's GPU
  Batch batch = dataset_.batch(view_.split, order_.slice(0, begin, end));
  const bool gpu = placement_.device.is_cuda();
  for (auto& [name, t] : batch.tensors) t = (gpu ? t.pin_memory() : t).to(placement_.device, /*non_blocking=*/gpu);
  auto generator = make_generator(seed_ * 1000003ULL + static_cast<std::uint64_t>(b) + 1);
  torch::NoGradGuard no_grad;
  task_.prepare(batch, training_, generator);
  if (placement_.channels_last)
    for (auto& [name, t] : batch.tensors)
      if (t.dim() == 4 && t.is_floating_point()) t = t.contiguous(at::MemoryFormat::ChannelsLast);
  return shard_.count > 1 ? slice(std::move(batch)) : batch;
}

// The whole batch is prepared (augmented) before it is sliced, so that every sample gets what a
// single process gives it. Per-sample tensors and texts are cut; anything else is kept whole.
Batch BatchStream::slice(Batch batch) const {
  const std::int64_t n = batch.size;
  const std::int64_t lo = n * shard_.index / shard_.count, hi = n * (shard_.index + 1) / shard_.count;
  for (auto& [name, t] : batch.tensors)
    if (t.dim() > 0 && t.size(0) == n) t = t.slice(0, lo, hi);
  for (auto& [name, texts] : batch.texts)
    if (static_cast<std::int64_t>(texts.size()) == n) texts = std::vector<std::string>(texts.begin() + lo, texts.begin() + hi);
  batch.size = hi - lo;
  return batch;
}

void BatchStream::fill() {
  while (next_to_start_ < batches_ && static_cast<std::int64_t>(pending_.size()) < workers_) {
    const std::int64_t b = next_to_start_++;
    auto job = std::make_shared<std::packaged_task<Batch()>>([this, b] { return make(b); });
    pending_.push_back(job->get_future());
    worker_threads_->post([job] { (*job)(); });
  }
}

void BatchStream::skip(std::int64_t batches) {
  if (next_to_return_ != 0) throw std::logic_error("BatchStream::skip after next()");
  next_to_start_ = next_to_return_ = std::min(batches, batches_);
}

std::int64_t BatchStream::global_batch_size() const {
  const std::int64_t b = next_to_return_ - 1;
  return std::min(batch_size_, view_.size() - b * batch_size_);
}

bool BatchStream::next(Batch& batch) {
  if (next_to_return_ >= batches_) return false;
  if (workers_ <= 0) {
    batch = make(next_to_return_++);
    return true;
  }
  fill();
  batch = pending_.front().get();
  pending_.pop_front();
  ++next_to_return_;
  fill();
  return true;
}

}  // namespace optbench::core
