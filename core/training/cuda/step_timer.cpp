// CUDA events around the phases of training steps, read only in take().
#include <c10/cuda/CUDAEvent.h>
#include <cuda_runtime_api.h>

#include <vector>

#include "training/step_timer.h"

namespace optbench::core {

namespace {

class EventTimer final : public StepTimer {
 public:
  void step_begin() override { begin(steps_); }
  void closure_begin() override { begin(closures_); }
  void closure_end() override { end(closures_); }
  void step_end() override { end(steps_); }
  PhaseSeconds take() override {
    PhaseSeconds out;
    if (steps_.used > 0) steps_.spans[steps_.used - 1].end.synchronize();  // every phase ended before it
    out.closures = closures_.seconds();
    out.steps = steps_.seconds();
    return out;
  }

 private:
  // Event pairs kept for reuse: an event is created once, on its first record.
  struct Span {
    c10::cuda::CUDAEvent begin{cudaEventDefault}, end{cudaEventDefault};
  };
  struct Spans {
    std::vector<Span> spans;
    std::size_t used = 0;
    double seconds() {
      double total = 0;
      for (std::size_t i = 0; i < used; ++i) total += spans[i].begin.elapsed_time(spans[i].end) / 1000.0;
      used = 0;
      return total;
    }
  };
  static void begin(Spans& s) {
    if (s.used == s.spans.size()) s.spans.emplace_back();
    s.spans[s.used].begin.record();
  }
  static void end(Spans& s) { s.spans[s.used++].end.record(); }

  Spans steps_, closures_;
};

}  // namespace

std::unique_ptr<StepTimer> make_cuda_event_timer() { return std::make_unique<EventTimer>(); }

}  // namespace optbench::core
