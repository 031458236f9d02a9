#include "batched_affine.hpp"

#ifdef HSICHO_CBLAS
#include <cblas.h>
#endif

namespace hsicho::train {

#ifdef HSICHO_CBLAS
namespace {

using torch::Tensor;

// C (m x n, row stride ldc) = alpha op(A) op(B) + beta C, in the tensor's type.
template <class T>
void gemm(bool ta, bool tb, int m, int n, int k, const T* a, int lda, const T* b, int ldb, T beta,
          T* c, int ldc) {
  const auto opa = ta ? CblasTrans : CblasNoTrans, opb = tb ? CblasTrans : CblasNoTrans;
  if constexpr (std::is_same_v<T, float>) {
    cblas_sgemm(CblasRowMajor, opa, opb, m, n, k, 1.0f, a, lda, b, ldb, beta, c, ldc);
  } else {
    cblas_dgemm(CblasRowMajor, opa, opb, m, n, k, 1.0, a, lda, b, ldb, beta, c, ldc);
  }
}

// Rows of a [G, r, c] tensor as gemm wants them: unit column stride (a stride-0 first dimension,
// the same rows for every member, is kept).
Tensor rows_ready(const Tensor& t) {
  return t.stride(2) == 1 ? t : t.contiguous();
}

struct BatchedAffine : public torch::autograd::Function<BatchedAffine> {
  static Tensor forward(torch::autograd::AutogradContext* ctx, const Tensor& h_in,
                        const Tensor& w_in, const Tensor& b) {
    const Tensor h = rows_ready(h_in), w = rows_ready(w_in);
    ctx->save_for_backward({h, w});
    const long g_count = w.size(0), rows = h.size(1), in = h.size(2), out = w.size(2);
    Tensor y = b.expand({g_count, rows, out}).contiguous();
    AT_DISPATCH_FLOATING_TYPES(y.scalar_type(), "batched_affine", [&] {
      for (long g = 0; g < g_count; ++g) {
        gemm<scalar_t>(false, false, static_cast<int>(rows), static_cast<int>(out),
                       static_cast<int>(in), h.data_ptr<scalar_t>() + g * h.stride(0),
                       static_cast<int>(h.stride(1)), w.data_ptr<scalar_t>() + g * w.stride(0),
                       static_cast<int>(w.stride(1)), scalar_t(1),
                       y.data_ptr<scalar_t>() + g * rows * out, static_cast<int>(out));
      }
    });
    return y;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const Tensor &h = saved[0], &w = saved[1];
    const Tensor dy = grads[0].contiguous();
    const long g_count = w.size(0), rows = h.size(1), in = h.size(2), out = w.size(2);
    Tensor dh, dw = torch::empty({g_count, in, out}, dy.options());
    const bool want_dh = ctx->needs_input_grad(0);
    if (want_dh) dh = torch::empty({g_count, rows, in}, dy.options());
    AT_DISPATCH_FLOATING_TYPES(dy.scalar_type(), "batched_affine_backward", [&] {
      for (long g = 0; g < g_count; ++g) {
        const scalar_t* dy_g = dy.data_ptr<scalar_t>() + g * rows * out;
        // dw = h^T dy; dh = dy w^T.
        gemm<scalar_t>(true, false, static_cast<int>(in), static_cast<int>(out),
                       static_cast<int>(rows), h.data_ptr<scalar_t>() + g * h.stride(0),
                       static_cast<int>(h.stride(1)), dy_g, static_cast<int>(out), scalar_t(0),
                       dw.data_ptr<scalar_t>() + g * in * out, static_cast<int>(out));
        if (want_dh) {
          gemm<scalar_t>(false, true, static_cast<int>(rows), static_cast<int>(in),
                         static_cast<int>(out), dy_g, static_cast<int>(out),
                         w.data_ptr<scalar_t>() + g * w.stride(0), static_cast<int>(w.stride(1)),
                         scalar_t(0), dh.data_ptr<scalar_t>() + g * rows * in,
                         static_cast<int>(in));
        }
      }
    });
    return {dh, dw, dy.sum(1, true)};
  }
};

}  // namespace
#endif

torch::Tensor batched_affine(const torch::Tensor& h, const torch::Tensor& w,
                             const torch::Tensor& b) {
#ifdef HSICHO_CBLAS
  const auto type = w.scalar_type();
  if (w.device().is_cpu() && (type == torch::kFloat32 || type == torch::kFloat64) &&
      h.scalar_type() == type && b.scalar_type() == type) {
    return BatchedAffine::apply(h, w, b);
  }
#endif
  return torch::baddbmm(b, h, w);
}

}  // namespace hsicho::train
