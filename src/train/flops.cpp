#include "hsicho/train/flops.hpp"

namespace hsicho::train {
namespace {

// Multiply-accumulates of a k x k convolution, padding k / 2, on an h x w map; the map after it.
std::int64_t conv_macs(std::int64_t in, std::int64_t out, int k, int& h, int& w) {
  h = h + 2 * (k / 2) - k + 1;
  w = w + 2 * (k / 2) - k + 1;
  return in * out * k * k * static_cast<std::int64_t>(h) * w;
}

}  // namespace

std::int64_t inference_flops(const ModelSpec& s, const std::vector<int>& shape, int outputs) {
  std::int64_t macs = 0;
  std::int64_t in = 1;
  if (s.type == ModelType::Mlp) {
    for (int v : shape)
      in *= v;
    for (int k = 0; k < s.layers; ++k) {
      const int width = s.units[static_cast<std::size_t>(k)];
      macs += in * width;
      in = width;
    }
  } else {
    int channels = shape.at(0), h = shape.at(1), w = shape.at(2);
    for (int b = 0; b < s.layers; ++b) {
      const int f = s.filters[static_cast<std::size_t>(b)];
      if (s.residual) {
        const int h0 = h, w0 = w;
        macs += conv_macs(channels, f, s.kernel_size, h, w);
        macs += conv_macs(f, f, s.kernel_size, h, w);
        if (channels != f) macs += static_cast<std::int64_t>(channels) * f * h0 * w0;  // 1 x 1
        h = h0 + (s.kernel_size % 2 == 0), w = w0 + (s.kernel_size % 2 == 0);  // as the model
      } else {
        macs += conv_macs(channels, f, s.kernel_size, h, w);
      }
      channels = f;
      if (s.pooling != Pooling::None) h /= 2, w /= 2;
    }
    in = static_cast<std::int64_t>(channels) * h * w;
    for (int units : s.head_units) {
      macs += in * units;
      in = units;
    }
  }
  macs += in * outputs;
  return 2 * macs;
}

}  // namespace hsicho::train
