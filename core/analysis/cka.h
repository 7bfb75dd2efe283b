// Linear centred kernel alignment (Kornblith et al. 2019): how alike two representations of the
// same examples are, invariant to orthogonal transforms and isotropic scaling.
#pragma once

#include <torch/torch.h>

namespace optbench::core {

// The centred Gram matrix Xc Xc^T (n x n, float64) of n examples' features (flattened per example).
torch::Tensor centred_gram(const torch::Tensor& x);
// CKA from two centred Gram matrices of the same examples: <K, L> / (|K| |L|).
double cka_of_grams(const torch::Tensor& k, const torch::Tensor& l);

// x: n x p, y: n x q (the same n examples; further dimensions are flattened). Computed from the
// centred Gram matrices in float64: <Kc, Lc> / (|Kc| |Lc|), so p and q may be large.
double linear_cka(const torch::Tensor& x, const torch::Tensor& y);

}  // namespace optbench::core
