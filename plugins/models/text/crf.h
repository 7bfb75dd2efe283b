// A linear-chain conditional random field over per-token tag scores (Lafferty et al.
// 2001), as in BiLSTM-CRF taggers (Lample et al. 2016): learned tag-to-tag transition
// scores plus start and end scores; the negative log-likelihood by the forward
// algorithm and the best tag sequence by Viterbi. Sequences are prefixes of the batch
// rows: `mask` [B, T] is true on each row's first length tokens (at least one).
#pragma once

#include <torch/torch.h>

namespace optbench::text_models {

class CrfImpl : public torch::nn::Module {
 public:
  explicit CrfImpl(std::int64_t tags) {
    start = register_parameter("start", torch::empty({tags}).uniform_(-0.1, 0.1));
    end = register_parameter("end", torch::empty({tags}).uniform_(-0.1, 0.1));
    transitions = register_parameter("transitions", torch::empty({tags, tags}).uniform_(-0.1, 0.1));
  }

  // log Z [B]: the log-sum-exp of the scores of every tag sequence.
  torch::Tensor log_partition(const torch::Tensor& emissions, const torch::Tensor& mask) {
    auto alpha = start + emissions.select(1, 0);  // [B, K]
    for (std::int64_t t = 1; t < emissions.size(1); ++t) {
      auto next = torch::logsumexp(alpha.unsqueeze(2) + transitions + emissions.select(1, t).unsqueeze(1), 1);
      alpha = torch::where(mask.select(1, t).unsqueeze(1), next, alpha);
    }
    return torch::logsumexp(alpha + end, 1);
  }
  // The score [B] of the given tag sequences (tags beyond a row's length are ignored).
  torch::Tensor score(const torch::Tensor& emissions, const torch::Tensor& tags, const torch::Tensor& mask) {
    const auto safe = tags.clamp_min(0);
    const auto m = mask.to(emissions.scalar_type());
    auto emitted = emissions.gather(2, safe.unsqueeze(2)).squeeze(2);  // [B, T]
    auto s = start.index_select(0, safe.select(1, 0)) + (emitted * m).sum(1);
    if (emissions.size(1) > 1) {
      const auto from = safe.narrow(1, 0, emissions.size(1) - 1), to = safe.narrow(1, 1, emissions.size(1) - 1);
      s = s + (transitions.index({from, to}) * m.narrow(1, 1, emissions.size(1) - 1)).sum(1);
    }
    const auto last = safe.gather(1, (mask.sum(1) - 1).unsqueeze(1)).squeeze(1);
    return s + end.index_select(0, last);
  }
  // Mean negative log-likelihood of the gold tags over the batch.
  torch::Tensor nll(const torch::Tensor& emissions, const torch::Tensor& tags, const torch::Tensor& mask) {
    return (log_partition(emissions, mask) - score(emissions, tags, mask)).mean();
  }
  // The highest-scoring tag sequences [B, T]; -1 beyond each row's length.
  torch::Tensor decode(const torch::Tensor& emissions, const torch::Tensor& mask) {
    torch::NoGradGuard no_grad;
    const auto b = emissions.size(0), steps = emissions.size(1);
    auto best = start + emissions.select(1, 0);
    std::vector<torch::Tensor> back;  // back[t-1][i][j]: best previous tag of tag j at step t
    for (std::int64_t t = 1; t < steps; ++t) {
      auto [next, from] = (best.unsqueeze(2) + transitions + emissions.select(1, t).unsqueeze(1)).max(1);
      const auto on = mask.select(1, t).unsqueeze(1);
      best = torch::where(on, next, best);
      // Past a row's end its tags stay put: point each tag back at itself.
      back.push_back(torch::where(on, from, torch::arange(best.size(1), from.options()).expand_as(from)));
    }
    auto tag = std::get<1>((best + end).max(1));  // [B]
    auto out = torch::full({b, steps}, -1, torch::TensorOptions().dtype(torch::kInt64).device(emissions.device()));
    const auto lengths = mask.sum(1);
    for (std::int64_t t = steps - 1; t >= 0; --t) {
      out.select(1, t).copy_(torch::where(lengths > t, tag, torch::full_like(tag, -1)));
      if (t > 0) tag = back[static_cast<std::size_t>(t - 1)].gather(1, tag.unsqueeze(1)).squeeze(1);
    }
    return out;
  }

  torch::Tensor start, end, transitions;
};
TORCH_MODULE(Crf);

}  // namespace optbench::text_models
