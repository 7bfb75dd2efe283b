// The CPU step timer: closures inside steps, and take() hands over what was timed since the last call.
#include <gtest/gtest.h>

#include <thread>

#include "training/step_timer.h"

namespace {

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

TEST(StepTimer, TimesClosuresWithinStepsAndHandsThemOverOnce) {
  const auto timer = optbench::core::make_step_timer(torch::kCPU);
  for (int step = 0; step < 2; ++step) {
    timer->step_begin();
    timer->closure_begin();
    sleep_ms(30);  // forward and backward
    timer->closure_end();
    sleep_ms(20);  // the optimizer's own work
    timer->step_end();
  }
  const auto taken = timer->take();
  EXPECT_GE(taken.closures, 0.060);
  EXPECT_LT(taken.closures, 0.060 + 0.5);
  EXPECT_GE(taken.steps - taken.closures, 0.040);
  const auto again = timer->take();
  EXPECT_EQ(again.closures, 0.0);
  EXPECT_EQ(again.steps, 0.0);
}

}  // namespace
