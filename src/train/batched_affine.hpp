// One affine layer of every member of a fused group: out[g] = h[g] w[g] + b[g], for h [G, rows,
// in], w [G, in, out], b [G, 1, out] (src/train/fused.cpp). LibTorch's CPU baddbmm runs one
// addmm, a whole operator dispatch, per member (16 members of 32 x 16 x 16 take 7-10x the time of
// one, docs/results.md): this calls the BLAS gemm directly for each member, forward and backward,
// so that a group's layer costs about what one network's does. Elsewhere (CUDA, other types, a
// build without CBLAS) it is torch::baddbmm.
#pragma once

#include <torch/torch.h>

namespace hsicho::train {

torch::Tensor batched_affine(const torch::Tensor& h, const torch::Tensor& w,
                             const torch::Tensor& b);

}  // namespace hsicho::train
