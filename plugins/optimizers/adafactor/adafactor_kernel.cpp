#include "adafactor_kernel.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace optbench {

namespace {

// State decay as the reference's `s.mul_(β̂2).add_(x, alpha=1-β̂2)`: one rounding for the add (FMA).
template <class T>
OPTBENCH_KERNEL_INLINE T decayed(T state, T x, T beta2t, T one_minus_beta2t) {
  return std::fma(x, one_minus_beta2t, state * beta2t);
}

template <class T>
struct ApplyConsts {
  T clip_divisor, lr, decay, beta1, one_minus_beta1;
  explicit ApplyConsts(const AdafactorApply& c)
      : clip_divisor(T(c.clip_divisor)), lr(T(c.lr)), decay(T(c.decay)), beta1(T(c.beta1)),
        one_minus_beta1(T(1 - c.beta1)) {}
};

// u = factor·g, then U /= clip divisor, U *= α, optional first moment, optional weight decay.
template <class T, bool kBeta1, bool kDecay>
OPTBENCH_KERNEL_INLINE void apply_element(T& w, T* m, T u, const ApplyConsts<T>& k) {
  u = u / k.clip_divisor;
  u = u * k.lr;
  if (kBeta1) {
    *m = std::fma(u, k.one_minus_beta1, *m * k.beta1);
    u = *m;
  }
  T wi = w;
  if (kDecay) wi = std::fma(wi, k.decay, wi);
  w = wi - u;
}

// --- factored (>= 2 dims) --------------------------------------------------------------------

// Work split of [matrices, rows, cols]: a band is several whole matrices when one matrix has at
// most kKernelChunk elements, otherwise a range of rows of one matrix.
struct Bands {
  MatrixShape s;
  std::int64_t matrices_per_band = 1, rows_per_band, bands_per_matrix = 1, count;

  explicit Bands(MatrixShape shape) : s(shape), rows_per_band(shape.rows) {
    if (s.rows * s.cols <= kKernelChunk) {
      matrices_per_band = std::max<std::int64_t>(1, kKernelChunk / (s.rows * s.cols));
      count = (s.matrices + matrices_per_band - 1) / matrices_per_band;
    } else {
      rows_per_band = std::max<std::int64_t>(1, kKernelChunk / s.cols);
      bands_per_matrix = (s.rows + rows_per_band - 1) / rows_per_band;
      count = s.matrices * bands_per_matrix;
    }
  }
  bool whole_matrices() const { return bands_per_matrix == 1; }

  struct Band {
    std::int64_t first_matrix, end_matrix, first_row, end_row;
    std::int64_t offset, size;  // the band's elements, contiguous
    std::int64_t rows() const { return (end_matrix - first_matrix) * (end_row - first_row); }
  };
  Band operator[](std::int64_t k) const {
    const std::int64_t size = s.rows * s.cols;
    if (whole_matrices()) {
      const std::int64_t first = k * matrices_per_band, end = std::min(s.matrices, first + matrices_per_band);
      return {first, end, 0, s.rows, first * size, (end - first) * size};
    }
    const std::int64_t b = k / bands_per_matrix, r = k % bands_per_matrix * rows_per_band;
    const std::int64_t end_row = std::min(s.rows, r + rows_per_band);
    return {b, b + 1, r, end_row, (b * s.rows + r) * s.cols, (end_row - r) * s.cols};
  }
};

// Sums round as the reference's LibTorch 1.13 CPU kernels form them, so that small tensors (the
// golden problems) agree to the last bit: up to 16 terms left to right in T (the first level of
// its cascade sum); longer sums in double here (as accurate, and thread-count independent).
constexpr std::int64_t kSequentialTerms = 16;

template <bool kSequential, class T>
OPTBENCH_KERNEL_INLINE void accumulate(double& sum, T x) {
  sum = kSequential ? double(T(T(sum) + x)) : sum + x;
}

// Σ(g² + ε1) of one row, also added into the column sums.
template <class T, bool kSequentialRow, bool kSequentialCols>
OPTBENCH_KERNEL_INLINE double row_sums(const T* __restrict g, double* __restrict col_sum, std::int64_t n, T eps1) {
  double rs = 0;
  if (kSequentialRow) {
    for (std::int64_t i = 0; i < n; ++i) {
      const T x = g[i] * g[i] + eps1;
      accumulate<true>(rs, x);
      accumulate<kSequentialCols>(col_sum[i], x);
    }
  } else {
#pragma omp simd reduction(+ : rs)
    for (std::int64_t i = 0; i < n; ++i) {
      const T x = g[i] * g[i] + eps1;
      rs += x;
      accumulate<kSequentialCols>(col_sum[i], x);
    }
  }
  return rs;
}

// Σx² as the reference's norm kernel forms it: FMA into 32-byte vectors of lanes over the whole
// vectors, the lanes added in order, then FMA of the remaining elements.
template <class T>
OPTBENCH_KERNEL_INLINE double lane_sum_of_squares(const T* __restrict x, std::int64_t n) {
  constexpr int kLanes = 32 / sizeof(T);
  T lanes[kLanes] = {};
  std::int64_t i = 0;
  for (; i + kLanes <= n; i += kLanes)
    for (int l = 0; l < kLanes; ++l) lanes[l] = std::fma(x[i + l], x[i + l], lanes[l]);
  T total = lanes[0];
  for (int l = 1; l < kLanes; ++l) total += lanes[l];
  for (; i < n; ++i) total = std::fma(x[i], x[i], total);
  return total;
}

// The band's second-moment sums: row state updated, column sums added into col_sum (cols per
// matrix of the band).
template <class T, bool kSequentialRow, bool kSequentialCols>
OPTBENCH_KERNEL_INLINE void band_sums(const T* g, T* row, double* col_sum, MatrixShape s, const Bands::Band& band,
                               T eps1, T beta2t, T one_minus_beta2t) {
  for (std::int64_t b = band.first_matrix; b < band.end_matrix; ++b) {
    double* cs = col_sum + (b - band.first_matrix) * s.cols;
    for (std::int64_t r = band.first_row; r < band.end_row; ++r) {
      const std::int64_t q = b * s.rows + r;
      const double rs = row_sums<T, kSequentialRow, kSequentialCols>(g + q * s.cols, cs, s.cols, eps1);
      row[q] = decayed(row[q], T(T(rs) / T(s.cols)), beta2t, one_minus_beta2t);  // mean over the last dim
    }
  }
}

template <class T>
OPTBENCH_KERNEL_INLINE void update_cols(T* col, const double* col_sum, std::int64_t count, std::int64_t rows, T beta2t,
                 T one_minus_beta2t) {
  for (std::int64_t j = 0; j < count; ++j)
    col[j] = decayed(col[j], T(T(col_sum[j]) / T(rows)), beta2t, one_minus_beta2t);  // mean over dim -2
}

// rsqrt factors of the band (fairseq's _approx_sq_grad): rf per band row = rsqrt(R / mean(R)) and
// cf per column = rsqrt(C), as the reference rounds them.
template <class T>
OPTBENCH_KERNEL_INLINE void band_factors(const T* row, const T* col, MatrixShape s, const Bands::Band& band,
                                  std::vector<T>& rf, std::vector<T>& cf) {
  rf.resize(static_cast<std::size_t>(band.rows()));
  std::int64_t i = 0;
  for (std::int64_t b = band.first_matrix; b < band.end_matrix; ++b) {
    const T* rb = row + b * s.rows;
    double sum = 0;
    if (s.rows <= kSequentialTerms)
      for (std::int64_t r = 0; r < s.rows; ++r) accumulate<true>(sum, rb[r]);
    else
      for (std::int64_t r = 0; r < s.rows; ++r) accumulate<false>(sum, rb[r]);
    const T mean = T(sum) / T(s.rows);
    for (std::int64_t r = band.first_row; r < band.end_row; ++r) rf[i++] = rb[r] / mean;
  }
  for (auto& x : rf) x = T(1) / std::sqrt(x);
  cf.resize(static_cast<std::size_t>((band.end_matrix - band.first_matrix) * s.cols));
  const T* cb = col + band.first_matrix * s.cols;
  for (std::size_t j = 0; j < cf.size(); ++j) cf[j] = T(1) / std::sqrt(cb[j]);
}

// Calls f(rf, cf, offset) for each row of the band: the row's elements start at offset.
template <class T, class F>
OPTBENCH_KERNEL_INLINE void for_band_rows(const T* row, const T* col, MatrixShape s, const Bands::Band& band, F&& f) {
  thread_local std::vector<T> rf, cf;
  band_factors(row, col, s, band, rf, cf);
  std::int64_t i = 0;
  for (std::int64_t b = band.first_matrix; b < band.end_matrix; ++b)
    for (std::int64_t r = band.first_row; r < band.end_row; ++r, ++i)
      f(rf[i], cf.data() + (b - band.first_matrix) * s.cols, (b * s.rows + r) * s.cols);
}

// Σu² over the band, u = (rf·cf)·g.
template <class T>
OPTBENCH_KERNEL_INLINE double band_update_sq(const T* g, const T* row, const T* col, MatrixShape s,
                                      const Bands::Band& band) {
  thread_local std::vector<T> u;
  u.resize(static_cast<std::size_t>(band.size));
  T* ub = u.data() - band.offset;
  for_band_rows(row, col, s, band, [&](T f, const T* __restrict c, std::int64_t offset) {
    const T* __restrict gr = g + offset;
    T* __restrict ur = ub + offset;
    for (std::int64_t j = 0; j < s.cols; ++j) ur[j] = (f * c[j]) * gr[j];
  });
  return lane_sum_of_squares(u.data(), band.size);
}

// Moments of one band of whole matrices: everything in one visit while the band is in cache.
template <class T, bool kSequentialRow, bool kSequentialCols>
OPTBENCH_FMA_CLONES SumPair whole_band_moments(const T* w, const T* g, T* row, T* col, MatrixShape s,
                                               Bands::Band band, T eps1, T beta2t, T one_minus_beta2t) {
  thread_local std::vector<double> col_sum;
  const std::int64_t n_cols = (band.end_matrix - band.first_matrix) * s.cols;
  col_sum.assign(static_cast<std::size_t>(n_cols), 0.0);
  band_sums<T, kSequentialRow, kSequentialCols>(g, row, col_sum.data(), s, band, eps1, beta2t, one_minus_beta2t);
  update_cols(col + band.first_matrix * s.cols, col_sum.data(), n_cols, s.rows, beta2t, one_minus_beta2t);
  return {lane_sum_of_squares(w + band.offset, band.size), band_update_sq(g, row, col, s, band)};
}

// Row state and column partial sums of one band of rows; returns Σw².
template <class T, bool kSequentialRow, bool kSequentialCols>
OPTBENCH_FMA_CLONES double partial_band_sums(const T* w, const T* g, T* row, double* col_sum, MatrixShape s,
                                             Bands::Band band, T eps1, T beta2t, T one_minus_beta2t) {
  std::fill(col_sum, col_sum + s.cols, 0.0);
  band_sums<T, kSequentialRow, kSequentialCols>(g, row, col_sum, s, band, eps1, beta2t, one_minus_beta2t);
  return lane_sum_of_squares(w + band.offset, band.size);
}

template <class T>
OPTBENCH_FMA_CLONES double partial_band_update_sq(const T* g, const T* row, const T* col, MatrixShape s,
                                                  Bands::Band band) {
  return band_update_sq(g, row, col, s, band);
}

template <class T>
OPTBENCH_FMA_CLONES void update_cols_clone(T* col, const double* col_sum, std::int64_t count, std::int64_t rows,
                                           T beta2t, T one_minus_beta2t) {
  update_cols(col, col_sum, count, rows, beta2t, one_minus_beta2t);
}

template <class T, bool kBeta1, bool kDecay>
OPTBENCH_FMA_CLONES void band_apply(T* w, const T* g, T* m, const T* row, const T* col, MatrixShape s,
                                    Bands::Band band, const ApplyConsts<T>& k) {
  for_band_rows(row, col, s, band, [&](T f, const T* __restrict c, std::int64_t offset) {
    T* __restrict wr = w + offset;
    const T* __restrict gr = g + offset;
    T* __restrict mr = kBeta1 ? m + offset : nullptr;
    for (std::int64_t j = 0; j < s.cols; ++j)
      apply_element<T, kBeta1, kDecay>(wr[j], kBeta1 ? mr + j : nullptr, (f * c[j]) * gr[j], k);
  });
}

// --- vectors (1 dim) -------------------------------------------------------------------------

template <class T>
OPTBENCH_FMA_CLONES SumPair vector_moments_range(const T* __restrict w, const T* __restrict g, T* __restrict v,
                                                 std::int64_t n, T eps1, T beta2t, T one_minus_beta2t) {
  thread_local std::vector<T> u;
  u.resize(static_cast<std::size_t>(n));
  T* __restrict ub = u.data();
  for (std::int64_t i = 0; i < n; ++i) {
    const T vi = decayed(v[i], g[i] * g[i] + eps1, beta2t, one_minus_beta2t);
    v[i] = vi;
    ub[i] = (T(1) / std::sqrt(vi)) * g[i];
  }
  return {lane_sum_of_squares(w, n), lane_sum_of_squares(ub, n)};
}

template <class T, bool kBeta1, bool kDecay>
OPTBENCH_FMA_CLONES void vector_apply_range(T* __restrict w, const T* __restrict g, T* __restrict m,
                                            const T* __restrict v, std::int64_t n, const ApplyConsts<T>& k) {
  for (std::int64_t i = 0; i < n; ++i)
    apply_element<T, kBeta1, kDecay>(w[i], kBeta1 ? m + i : nullptr, (T(1) / std::sqrt(v[i])) * g[i], k);
}

// Calls f(std::bool_constant<a>, std::bool_constant<b>), so that loops are branch-free.
template <class F>
void dispatch_flags(bool a, bool b, F&& f) {
  if (a && b) f(std::true_type{}, std::true_type{});
  else if (a) f(std::true_type{}, std::false_type{});
  else if (b) f(std::false_type{}, std::true_type{});
  else f(std::false_type{}, std::false_type{});
}

}  // namespace

template <class T>
SumPair adafactor_factored_moments(const T* w, const T* g, T* row, T* col, MatrixShape s,
                                   const AdafactorMoments& c, const ChunkRunner& run) {
  const Bands bands(s);
  const T eps1 = T(c.eps1), beta2t = T(c.beta2t), one_minus_beta2t = T(1 - c.beta2t);
  SumPair sums;
  dispatch_flags(s.cols <= kSequentialTerms, s.rows <= kSequentialTerms, [&](auto seq_row, auto seq_cols) {
    constexpr bool kRow = decltype(seq_row)::value, kCols = decltype(seq_cols)::value;
    if (bands.whole_matrices()) {
      sums = sum_in_order<SumPair>(bands.count, run, [&](std::int64_t k) {
        return whole_band_moments<T, kRow, kCols>(w, g, row, col, s, bands[k], eps1, beta2t, one_minus_beta2t);
      });
      return;
    }
    // Bands of rows: column sums per band first, added in band order, then the column state.
    std::vector<double> partial(static_cast<std::size_t>(bands.count * s.cols));
    sums.first = sum_in_order<double>(bands.count, run, [&](std::int64_t k) {
      return partial_band_sums<T, kRow, kCols>(w, g, row, partial.data() + k * s.cols, s, bands[k], eps1, beta2t,
                                               one_minus_beta2t);
    });
    std::vector<double> col_sum(static_cast<std::size_t>(s.cols));
    for (std::int64_t b = 0; b < s.matrices; ++b) {
      std::fill(col_sum.begin(), col_sum.end(), 0.0);
      for (std::int64_t k = b * bands.bands_per_matrix; k < (b + 1) * bands.bands_per_matrix; ++k)
        for (std::int64_t j = 0; j < s.cols; ++j) {
          const double p = partial[k * s.cols + j];
          if (kCols) accumulate<true>(col_sum[j], T(p));  // p is a sum in T already
          else col_sum[j] += p;
        }
      update_cols_clone<T>(col + b * s.cols, col_sum.data(), s.cols, s.rows, beta2t, one_minus_beta2t);
    }
    sums.second = sum_in_order<double>(bands.count, run, [&](std::int64_t k) {
      return partial_band_update_sq<T>(g, row, col, s, bands[k]);
    });
  });
  return sums;
}

template <class T>
SumPair adafactor_vector_moments(const T* w, const T* g, T* v, std::int64_t n, const AdafactorMoments& c,
                                 const ChunkRunner& run) {
  const T eps1 = T(c.eps1), beta2t = T(c.beta2t), one_minus_beta2t = T(1 - c.beta2t);
  return sum_over_chunks<SumPair>(n, run, [&](std::int64_t b, std::int64_t e) {
    return vector_moments_range<T>(w + b, g + b, v + b, e - b, eps1, beta2t,
                                   one_minus_beta2t);
  });
}

template <class T>
void adafactor_factored_apply(T* w, const T* g, T* m, const T* row, const T* col, MatrixShape s,
                              const AdafactorApply& c, const ChunkRunner& run) {
  const Bands bands(s);
  const ApplyConsts<T> k(c);
  dispatch_flags(m != nullptr, c.decay != 0, [&](auto beta1, auto decay) {
    run(bands.count, [&](std::int64_t i) {
      band_apply<T, decltype(beta1)::value, decltype(decay)::value>(w, g, m, row, col, s, bands[i], k);
    });
  });
}

template <class T>
void adafactor_vector_apply(T* w, const T* g, T* m, const T* v, std::int64_t n, const AdafactorApply& c,
                            const ChunkRunner& run) {
  const ApplyConsts<T> k(c);
  dispatch_flags(m != nullptr, c.decay != 0, [&](auto beta1, auto decay) {
    for_chunks(n, run, [&](std::int64_t b, std::int64_t e) {
      vector_apply_range<T, decltype(beta1)::value, decltype(decay)::value>(w + b, g + b, m ? m + b : nullptr,
                                                                            v + b, e - b, k);
    });
  });
}

#define OPTBENCH_ADAFACTOR(T)                                                                             \
  template SumPair adafactor_factored_moments<T>(const T*, const T*, T*, T*, MatrixShape,                \
                                                 const AdafactorMoments&, const ChunkRunner&);           \
  template SumPair adafactor_vector_moments<T>(const T*, const T*, T*, std::int64_t, const AdafactorMoments&, \
                                               const ChunkRunner&);                                      \
  template void adafactor_factored_apply<T>(T*, const T*, T*, const T*, const T*, MatrixShape,           \
                                            const AdafactorApply&, const ChunkRunner&);                  \
  template void adafactor_vector_apply<T>(T*, const T*, T*, const T*, std::int64_t, const AdafactorApply&, \
                                          const ChunkRunner&);
OPTBENCH_ADAFACTOR(float)
OPTBENCH_ADAFACTOR(double)
#undef OPTBENCH_ADAFACTOR

}  // namespace optbench
