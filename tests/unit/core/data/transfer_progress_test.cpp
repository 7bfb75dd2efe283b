// The progress text of `data fetch`: a bar on a terminal, a plain line in logs.
#include <gtest/gtest.h>

#include "data/transfer_progress.h"

using optbench::core::transfer_text;

TEST(TransferText, PlainLineHasBytesShareRateAndTimeLeft) {
  // 45.2 of 170.5 MB is 26.5%; (170.5 - 45.2) MB at 3.1 MB/s is 40.4 s.
  EXPECT_EQ(transfer_text("cifar-10-binary.tar.gz", 45'200'000, 170'500'000, 3'100'000, false),
            "cifar-10-binary.tar.gz: 45.2 of 170.5 MB (26%), 3.1 MB/s, ETA 0:00:40");
}

TEST(TransferText, BarFillsInProportion) {
  // 26.5% of a 24-character bar is 6 characters.
  EXPECT_EQ(transfer_text("f", 45'200'000, 170'500'000, 3'100'000, true),
            "f  [======>                 ]  45.2 of 170.5 MB  3.1 MB/s  ETA 0:00:40");
  EXPECT_EQ(transfer_text("f", 2'000'000, 2'000'000, 1'000'000, true),
            "f  [========================]  2.0 of 2.0 MB  1.0 MB/s  ETA 0:00:00");
}

TEST(TransferText, WithoutASizeThereIsNoBarNorTimeLeft) {
  EXPECT_EQ(transfer_text("f", 1'500'000, std::nullopt, 500'000, true), "f  1.5 MB  0.5 MB/s");
  EXPECT_EQ(transfer_text("f", 1'500'000, std::nullopt, 500'000, false), "f: 1.5 MB, 0.5 MB/s");
  EXPECT_EQ(transfer_text("f", 0, 10'000'000, 0, false), "f: 0.0 of 10.0 MB (0%), 0.0 MB/s");  // no rate yet
}
