#include <gtest/gtest.h>

#include <cmath>

#include "training/lr_schedule.h"

using optbench::core::LrSchedule;

TEST(LrSchedule, CosineWithWarmup) {
  LrSchedule s("cosine", 0.1, /*total_steps=*/110, /*warmup_steps=*/10, true);
  EXPECT_DOUBLE_EQ(s.lr_at(0), 0.01);   // warm-up: (step + 1) / warmup
  EXPECT_DOUBLE_EQ(s.lr_at(9), 0.1);
  EXPECT_DOUBLE_EQ(s.lr_at(10), 0.1);   // cosine starts at the base lr
  EXPECT_NEAR(s.lr_at(60), 0.05, 1e-15);  // half-way: 0.1 * (1 + cos(pi/2)) / 2
  EXPECT_NEAR(s.lr_at(110), 0.0, 1e-15);
}

TEST(LrSchedule, ConstantIgnoresValidation) {
  LrSchedule s("none", 0.3, 100, 0, true);
  s.on_validation(0.1);
  s.on_validation(0.1);
  s.on_validation(0.1);
  s.on_validation(0.1);
  EXPECT_DOUBLE_EQ(s.lr_at(50), 0.3);
}

TEST(LrSchedule, PlateauHalvesAfterPatienceExceeded) {
  LrSchedule s("plateau", 1.0, 100, 0, /*higher_is_better=*/false);
  s.on_validation(1.0);   // best
  s.on_validation(1.0);   // 1 bad epoch
  s.on_validation(0.99995);  // within the 1e-4 relative threshold: still bad (2)
  EXPECT_DOUBLE_EQ(s.lr_at(0), 1.0);
  s.on_validation(1.2);   // 3 bad epochs > patience 2: halve
  EXPECT_DOUBLE_EQ(s.lr_at(0), 0.5);
  s.on_validation(0.5);   // improvement resets the count
  s.on_validation(0.6);
  s.on_validation(0.6);
  EXPECT_DOUBLE_EQ(s.lr_at(0), 0.5);
}
