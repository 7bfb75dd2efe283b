// Running an LSTM over padded batch-first rows, packed so that each direction of a
// bidirectional LSTM starts at a row's own last token, not at padding.
#pragma once

#include <torch/torch.h>

namespace optbench::text_models {

// x [B, T, F], lengths [B] (a row of length 0 counts as 1); returns [B, T, H], zeros past each length.
inline torch::Tensor run_packed(torch::nn::LSTM& lstm, const torch::Tensor& x, const torch::Tensor& lengths) {
  namespace rnn = torch::nn::utils::rnn;
  auto packed = rnn::pack_padded_sequence(x, lengths.clamp_min(1).cpu(), /*batch_first=*/true, /*enforce_sorted=*/false);
  return std::get<0>(rnn::pad_packed_sequence(std::get<0>(lstm->forward_with_packed_input(packed)), true, 0.0, x.size(1)));
}

}  // namespace optbench::text_models
