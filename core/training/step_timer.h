// Times the phases of training steps without making the CPU wait for the device: the closures
// (forward and backward, clipping, and data-parallel averaging) and the whole step, whose
// difference is the optimizer's own work. On CPU by the clock, as the work happens; on CUDA by
// events on the stream, read only when take() is called (at log intervals, checkpoints and epoch
// ends), so that the CPU queues steps ahead of the GPU in between.
#pragma once

#include <torch/torch.h>

#include <memory>

namespace optbench::core {

struct PhaseSeconds {
  double closures = 0;  // forward and backward, every call of the closure
  double steps = 0;     // whole steps, closures included
};

class StepTimer {
 public:
  virtual ~StepTimer() = default;
  virtual void step_begin() = 0;
  virtual void closure_begin() = 0;
  virtual void closure_end() = 0;
  virtual void step_end() = 0;
  // The seconds of the phases ended since the last call; on CUDA it waits for the last one.
  virtual PhaseSeconds take() = 0;
};

std::unique_ptr<StepTimer> make_step_timer(const torch::Device& device);

// CUDA events (cuda/step_timer.cpp); in a LibTorch without CUDA, an error (without_cuda.cpp).
std::unique_ptr<StepTimer> make_cuda_event_timer();

}  // namespace optbench::core
