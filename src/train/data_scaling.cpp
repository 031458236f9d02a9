// Scaling by the training part's statistics (never the validation or test rows'): inputs per
// feature, or per channel for images; regression targets per output, undone when errors are
// computed so that they read in the data's own units.
#include <cmath>

#include "hsicho/error.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {
namespace {

// Offset and scale of each group of `width`-wide rows (a group: `width / groups` adjacent values).
void statistics(const std::vector<float>& v, std::size_t rows, std::size_t width,
                std::size_t groups, const std::string& mode, std::vector<double>& offset,
                std::vector<double>& scale) {
  const std::size_t group_size = groups ? width / groups : 0;
  offset.assign(groups, 0);
  scale.assign(groups, 1);
  if (mode == "minmax") {
    std::vector<double> lo(groups, INFINITY), hi(groups, -INFINITY);
    for (std::size_t k = 0; k < rows * width; ++k) {
      const std::size_t g = (k % width) / group_size;
      lo[g] = std::min<double>(lo[g], v[k]);
      hi[g] = std::max<double>(hi[g], v[k]);
    }
    for (std::size_t g = 0; g < groups; ++g) {
      offset[g] = lo[g];
      scale[g] = hi[g] > lo[g] ? hi[g] - lo[g] : 1.0;
    }
    return;
  }
  std::vector<double> mean(groups, 0), sq(groups, 0);
  for (std::size_t k = 0; k < rows * width; ++k) {
    const std::size_t g = (k % width) / group_size;
    mean[g] += v[k];
    sq[g] += static_cast<double>(v[k]) * v[k];
  }
  const double count = static_cast<double>(rows) * static_cast<double>(group_size);
  for (std::size_t g = 0; g < groups; ++g) {
    const double mu = mean[g] / count, var = sq[g] / count - mu * mu;
    offset[g] = mu;
    scale[g] = var > 1e-24 ? std::sqrt(var) : 1.0;
  }
}

void apply(std::vector<float>& v, std::size_t width, const std::vector<double>& offset,
           const std::vector<double>& scale) {
  const std::size_t group_size = width / offset.size();
  std::vector<float> m(scale.size()), inv(scale.size());
  for (std::size_t g = 0; g < scale.size(); ++g)
    m[g] = static_cast<float>(offset[g]), inv[g] = static_cast<float>(1 / scale[g]);
  for (std::size_t k = 0; k < v.size(); ++k) {
    const std::size_t g = (k % width) / group_size;
    v[k] = (v[k] - m[g]) * inv[g];
  }
}

std::vector<float> as_floats(const std::vector<double>& v) {
  return std::vector<float>(v.begin(), v.end());
}

}  // namespace

void scale_inputs(DataSet& d, const std::string& mode) {
  if (mode == "none" || d.train.rows == 0) return;
  const std::size_t width = d.train.x.size() / static_cast<std::size_t>(d.train.rows);
  const std::size_t groups =
      d.input_shape.size() == 3 ? static_cast<std::size_t>(d.input_shape[0]) : width;
  std::vector<double> offset, scale;
  statistics(d.train.x, static_cast<std::size_t>(d.train.rows), width, groups, mode, offset, scale);
  for (Split* s : {&d.train, &d.validation, &d.test})
    apply(s->x, width, offset, scale);
}

void scale_outputs(DataSet& d, const std::string& mode) {
  if (mode == "none" || d.classification || d.train.rows == 0) return;
  const auto width = static_cast<std::size_t>(d.outputs);
  std::vector<double> offset, scale;
  statistics(d.train.y, static_cast<std::size_t>(d.train.rows), width, width, mode, offset, scale);
  for (Split* s : {&d.train, &d.validation, &d.test})
    apply(s->y, width, offset, scale);
  d.y_offset = as_floats(offset);
  d.y_scale = as_floats(scale);
}

}  // namespace hsicho::train
