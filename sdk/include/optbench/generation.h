// Sequence-to-sequence models and the decoding every generation task shares:
// greedy decoding and beam search over a model's step-by-step interface.
#pragma once

#include <optbench/model.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace optbench {
inline namespace v1 {

// forward() returns teacher-forced logits (training and the evaluation loss);
// start()/step() decode one token at a time.
class Seq2SeqModel : public Model {
 public:
  // Encodes the batch's source. Every tensor of the returned state has the batch as its
  // first dimension, so that decoding can repeat rows (beams) and reorder them.
  virtual Outputs start(const Batch& batch) = 0;
  // Feeds `tokens` [N] (each row's previous output, <bos> first), updates `state` and
  // returns the next token's logits [N, V].
  virtual torch::Tensor step(Outputs& state, const torch::Tensor& tokens) = 0;
};

struct GenerationOptions {
  std::int64_t beam_size = 1;   // 1: greedy
  double length_penalty = 1.0;  // beam scores are log P / length^length_penalty (length counts <eos>)
  std::int64_t max_length = 128;
  std::int64_t bos = 1, eos = 2, pad = 0;
};

namespace detail {

inline void select_rows(Outputs& state, const torch::Tensor& rows) {
  for (auto& [name, t] : state) t = t.index_select(0, rows);
}

// Token rows [B, L] padded with `pad`.
inline torch::Tensor pad_rows(const std::vector<std::vector<std::int64_t>>& rows, std::int64_t pad,
                              const torch::Device& device) {
  std::size_t longest = 1;
  for (const auto& r : rows) longest = std::max(longest, r.size());
  auto out = torch::full({static_cast<std::int64_t>(rows.size()), static_cast<std::int64_t>(longest)}, pad,
                         torch::kInt64);
  auto acc = out.accessor<std::int64_t, 2>();
  for (std::size_t i = 0; i < rows.size(); ++i)
    for (std::size_t j = 0; j < rows[i].size(); ++j) acc[static_cast<std::int64_t>(i)][static_cast<std::int64_t>(j)] = rows[i][j];
  return out.to(device);
}

inline torch::Tensor greedy(Seq2SeqModel& model, const Batch& batch, const GenerationOptions& o) {
  Outputs state = model.start(batch);
  const auto n = static_cast<std::size_t>(batch.size);
  const auto device = state.begin()->second.device();
  auto tokens = torch::full({batch.size}, o.bos, torch::TensorOptions().dtype(torch::kInt64).device(device));
  std::vector<std::vector<std::int64_t>> out(n);
  std::vector<char> done(n, 0);
  for (std::int64_t t = 0; t < o.max_length; ++t) {
    tokens = model.step(state, tokens).argmax(1);
    const auto chosen = tokens.cpu();
    const auto* c = chosen.data_ptr<std::int64_t>();
    for (std::size_t i = 0; i < n; ++i) {
      if (!done[i] && c[i] == o.eos) done[i] = 1;
      if (!done[i]) out[i].push_back(c[i]);
    }
    if (std::all_of(done.begin(), done.end(), [](char d) { return d != 0; })) break;
  }
  return pad_rows(out, o.pad, device);
}

struct Hypothesis {
  double score;  // length-normalised log probability
  std::vector<std::int64_t> tokens;
};

inline torch::Tensor beam_search(Seq2SeqModel& model, const Batch& batch, const GenerationOptions& o) {
  const auto n = static_cast<std::size_t>(batch.size), k = static_cast<std::size_t>(o.beam_size);
  const double minus_inf = -std::numeric_limits<double>::infinity();
  const auto normalised = [&](double log_p, std::int64_t length) {
    return log_p / std::pow(static_cast<double>(length), o.length_penalty);
  };
  const auto as_tensor = [](const auto& values, torch::Dtype dtype, const torch::Device& device) {
    return torch::tensor(values, dtype).to(device);
  };
  Outputs state = model.start(batch);
  const auto device = state.begin()->second.device();
  select_rows(state, torch::arange(batch.size, torch::TensorOptions().dtype(torch::kInt64).device(device))
                         .repeat_interleave(o.beam_size));
  // Beam j of row i lives at slot i * k + j; only beam 0 is alive before the first step.
  std::vector<double> scores(n * k, minus_inf);
  for (std::size_t i = 0; i < n; ++i) scores[i * k] = 0.0;
  std::vector<std::vector<std::int64_t>> prefixes(n * k);
  std::vector<std::vector<Hypothesis>> ended(n);
  std::vector<char> done(n, 0);
  auto tokens = torch::full({batch.size * o.beam_size}, o.bos, torch::TensorOptions().dtype(torch::kInt64).device(device));
  for (std::int64_t t = 0; t < o.max_length; ++t) {
    const auto log_p = torch::log_softmax(model.step(state, tokens).to(torch::kFloat64), 1).cpu();
    const auto v = static_cast<std::size_t>(log_p.size(1));
    const auto total = log_p + torch::tensor(scores, torch::kFloat64).view({-1, 1});
    // 2k candidates per row leave k that do not end, whatever ends among them.
    const auto [top_scores, top_index] = total.view({batch.size, -1}).topk(std::min<std::int64_t>(2 * k, k * v), 1);
    const auto ts = top_scores.accessor<double, 2>();
    const auto ti = top_index.accessor<std::int64_t, 2>();
    std::vector<std::int64_t> parents(n * k), next(n * k, o.pad);
    std::vector<double> next_scores(n * k, minus_inf);
    for (std::size_t i = 0; i < n; ++i) {
      std::size_t kept = 0;
      for (std::int64_t c = 0; c < top_scores.size(1) && kept < k && !done[i]; ++c) {
        const double score = ts[i][c];
        if (score == minus_inf) break;
        const std::size_t parent = i * k + static_cast<std::size_t>(ti[i][c]) / v;
        const std::int64_t token = ti[i][c] % static_cast<std::int64_t>(v);
        if (token == o.eos) {
          ended[i].push_back({normalised(score, t + 1), prefixes[parent]});
          continue;
        }
        parents[i * k + kept] = static_cast<std::int64_t>(parent);
        next[i * k + kept] = token;
        next_scores[i * k + kept] = score;
        ++kept;
      }
      for (std::size_t j = kept; j < k; ++j) parents[i * k + j] = static_cast<std::int64_t>(i * k);  // dead slots
      if (kept == 0) done[i] = 1;  // every candidate ended
      // Done once k hypotheses have ended and no live beam can beat the worst of them:
      // with length_penalty >= 0 a live beam's normalised score is at most log P / max_length^penalty.
      if (!done[i] && ended[i].size() >= k) {
        std::sort(ended[i].begin(), ended[i].end(), [](const Hypothesis& a, const Hypothesis& b) { return a.score > b.score; });
        ended[i].resize(k);
        const double best_live = next_scores[i * k];
        const double bound = normalised(best_live, o.length_penalty >= 0 ? o.max_length : t + 2);
        if (ended[i].back().score >= bound) done[i] = 1;
      }
    }
    if (std::all_of(done.begin(), done.end(), [](char d) { return d != 0; })) break;
    std::vector<std::vector<std::int64_t>> grown(n * k);
    for (std::size_t s = 0; s < grown.size(); ++s) {
      grown[s] = prefixes[static_cast<std::size_t>(parents[s])];
      grown[s].push_back(next[s]);
    }
    prefixes = std::move(grown);
    scores = std::move(next_scores);
    select_rows(state, as_tensor(parents, torch::kInt64, device));
    tokens = as_tensor(next, torch::kInt64, device);
  }
  // Rows cut at max_length: their live beams compete with the ended ones.
  std::vector<std::vector<std::int64_t>> best(n);
  for (std::size_t i = 0; i < n; ++i) {
    auto candidates = ended[i];
    for (std::size_t j = 0; j < k && !done[i]; ++j)
      if (scores[i * k + j] > minus_inf) candidates.push_back({normalised(scores[i * k + j], o.max_length), prefixes[i * k + j]});
    if (candidates.empty()) continue;
    best[i] = std::max_element(candidates.begin(), candidates.end(),
                               [](const Hypothesis& a, const Hypothesis& b) { return a.score < b.score; })->tokens;
  }
  return pad_rows(best, o.pad, device);
}

}  // namespace detail

// The generated tokens [B, L] of every source in the batch, after <bos> and up to (not
// including) <eos>, padded with `pad`: greedy for beam_size 1, else beam search.
inline torch::Tensor generate(Seq2SeqModel& model, const Batch& batch, const GenerationOptions& options) {
  torch::NoGradGuard no_grad;
  return options.beam_size <= 1 ? detail::greedy(model, batch, options) : detail::beam_search(model, batch, options);
}

}  // namespace v1
}  // namespace optbench
