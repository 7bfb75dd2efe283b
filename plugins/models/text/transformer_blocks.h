// Transformer building blocks the text models share. Parameter names follow Hugging
// Face's DistilBERT (q_lin, k_lin, v_lin, out_lin; lin1, lin2), which its checkpoints need.
#pragma once

#include <torch/torch.h>

#include <cmath>
#include <limits>
#include <string>

namespace optbench::text_models {

// The most negative finite value of `t`'s floating type, for masked attention scores: softmax
// gives them weight 0 without the NaN an all-masked row of -inf would give. Per type, because
// under bf16 autocast the scores are bf16, which fp32's lowest overflows.
inline double lowest_value(const torch::Tensor& t) {
  switch (t.scalar_type()) {
    case torch::kBFloat16: return static_cast<double>(std::numeric_limits<c10::BFloat16>::lowest());
    case torch::kHalf: return static_cast<double>(std::numeric_limits<c10::Half>::lowest());
    case torch::kDouble: return std::numeric_limits<double>::lowest();
    default: return std::numeric_limits<float>::lowest();
  }
}

// Multi-head attention of `x` over `memory` (itself, for self-attention); `allowed` is a
// bool mask broadcastable to [B, heads, T, S].
class AttentionImpl : public torch::nn::Module {
 public:
  AttentionImpl(std::int64_t dim, std::int64_t heads, double dropout) : heads_(heads), dropout_(dropout) {
    q_lin = register_module("q_lin", torch::nn::Linear(dim, dim));
    k_lin = register_module("k_lin", torch::nn::Linear(dim, dim));
    v_lin = register_module("v_lin", torch::nn::Linear(dim, dim));
    out_lin = register_module("out_lin", torch::nn::Linear(dim, dim));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& memory, const torch::Tensor& allowed) {
    const auto b = x.size(0), d = x.size(2), dh = d / heads_;
    auto split = [&](const torch::Tensor& y) { return y.view({b, y.size(1), heads_, dh}).transpose(1, 2); };
    auto scores = split(q_lin(x)).matmul(split(k_lin(memory)).transpose(-1, -2)) / std::sqrt(static_cast<double>(dh));
    scores = scores.masked_fill(allowed.logical_not(), lowest_value(scores));
    auto weights = torch::dropout(torch::softmax(scores, -1), dropout_, is_training());
    return out_lin(weights.matmul(split(v_lin(memory))).transpose(1, 2).reshape({b, x.size(1), d}));
  }
  torch::nn::Linear q_lin{nullptr}, k_lin{nullptr}, v_lin{nullptr}, out_lin{nullptr};

 private:
  std::int64_t heads_;
  double dropout_;
};
TORCH_MODULE(Attention);

// Position-wise feed-forward: lin1, activation, lin2.
class FeedForwardImpl : public torch::nn::Module {
 public:
  // activation: "relu" (Vaswani et al.), "gelu" (exact erf: BERT, BART) or "gelu_tanh" (GPT-2)
  FeedForwardImpl(std::int64_t dim, std::int64_t hidden, std::string activation) : activation_(std::move(activation)) {
    lin1 = register_module("lin1", torch::nn::Linear(dim, hidden));
    lin2 = register_module("lin2", torch::nn::Linear(hidden, dim));
  }
  torch::Tensor forward(const torch::Tensor& x) {
    auto h = lin1(x);
    h = activation_ == "relu" ? torch::relu(h) : torch::gelu(h, activation_ == "gelu_tanh" ? "tanh" : "none");
    return lin2(h);
  }
  torch::nn::Linear lin1{nullptr}, lin2{nullptr};

 private:
  std::string activation_;
};
TORCH_MODULE(FeedForward);

// Post-LayerNorm encoder layer (Vaswani et al. 2017): x = LN(x + attention(x)); x = LN(x + ffn(x)).
class EncoderLayerImpl : public torch::nn::Module {
 public:
  EncoderLayerImpl(std::int64_t dim, std::int64_t heads, std::int64_t ffn_dim, double dropout, const std::string& activation)
      : dropout_(dropout) {
    self_attention = register_module("self_attention", Attention(dim, heads, dropout));
    norm1 = register_module("norm1", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
    ffn = register_module("ffn", FeedForward(dim, ffn_dim, activation));
    norm2 = register_module("norm2", torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim})));
  }
  torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& allowed) {
    auto h = norm1(x + torch::dropout(self_attention(x, x, allowed), dropout_, is_training()));
    return norm2(h + torch::dropout(ffn(h), dropout_, is_training()));
  }
  Attention self_attention{nullptr};
  FeedForward ffn{nullptr};
  torch::nn::LayerNorm norm1{nullptr}, norm2{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(EncoderLayer);

inline void check_heads(std::int64_t dim, std::int64_t heads, const std::string& model) {
  if (dim % heads != 0)
    throw std::invalid_argument(model + ": dim " + std::to_string(dim) + " is not divisible by heads " +
                                std::to_string(heads));
}

// BERT/GPT-2/BART initialisation: N(0, stddev) weights, zero biases; LayerNorm keeps (1, 0).
inline void init_normal(torch::nn::Module& root, double stddev) {
  torch::NoGradGuard no_grad;
  for (auto& m : root.modules(/*include_self=*/false)) {
    if (auto* linear = m->as<torch::nn::Linear>()) {
      linear->weight.normal_(0.0, stddev);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = m->as<torch::nn::Embedding>()) {
      embedding->weight.normal_(0.0, stddev);
    }
  }
}

// [T, T]: position t may attend to positions <= t.
inline torch::Tensor causal_mask(std::int64_t t, const torch::Device& device) {
  return torch::ones({t, t}, torch::TensorOptions().dtype(torch::kBool).device(device)).tril();
}

}  // namespace optbench::text_models
