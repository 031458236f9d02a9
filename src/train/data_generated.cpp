// The paper's scientific-ML data sets, generated from the study seed (the same data for every
// configuration, on every rank).
#include <cmath>

#include <unsupported/Eigen/MatrixFunctions>

#include "hsicho/error.hpp"
#include "hsicho/random.hpp"
#include "hsicho/train/data.hpp"

namespace hsicho::train {

double runge(const double* x, int dim) {
  double r2 = 0;
  for (int k = 0; k < dim; ++k)
    r2 += x[k] * x[k];
  return 1.0 / (1.0 + 25.0 * r2);
}

Eigen::MatrixXd bateman_matrix(const std::vector<double>& decay) {
  const auto k = static_cast<Eigen::Index>(decay.size());
  Eigen::MatrixXd a = Eigen::MatrixXd::Zero(k, k);
  for (Eigen::Index i = 0; i < k; ++i) {
    a(i, i) = -decay[static_cast<std::size_t>(i)];
    if (i > 0) a(i, i - 1) = decay[static_cast<std::size_t>(i - 1)];
  }
  return a;
}

Eigen::VectorXd bateman_expm(const std::vector<double>& decay, const Eigen::VectorXd& n0,
                             double t) {
  const Eigen::MatrixXd at = bateman_matrix(decay) * t;
  return at.exp() * n0;
}

Eigen::VectorXd bateman_closed_form(const std::vector<double>& l, const Eigen::VectorXd& n0,
                                    double t) {
  const auto k = static_cast<Eigen::Index>(l.size());
  Eigen::VectorXd n = Eigen::VectorXd::Zero(k);
  // N_i(t) = sum_{j<=i} N_j(0) (prod_{p=j}^{i-1} l_p) sum_{q=j}^{i} exp(-l_q t) / prod_{p=j..i,
  // p!=q} (l_p - l_q)
  for (Eigen::Index i = 0; i < k; ++i) {
    for (Eigen::Index j = 0; j <= i; ++j) {
      double coef = n0[j];
      for (Eigen::Index p = j; p < i; ++p)
        coef *= l[static_cast<std::size_t>(p)];
      double sum = 0;
      for (Eigen::Index q = j; q <= i; ++q) {
        double den = 1;
        for (Eigen::Index p = j; p <= i; ++p) {
          if (p != q) den *= l[static_cast<std::size_t>(p)] - l[static_cast<std::size_t>(q)];
        }
        sum += std::exp(-l[static_cast<std::size_t>(q)] * t) / den;
      }
      n[i] += coef * sum;
    }
  }
  return n;
}

namespace {

Split runge_split(const DataSpec& s, int rows, Rng& rng, bool noisy) {
  Split out;
  out.rows = rows;
  std::vector<double> x(static_cast<std::size_t>(s.dim));
  for (int r = 0; r < rows; ++r) {
    for (auto& v : x)
      v = 2 * rng.uniform() - 1;
    double y = runge(x.data(), s.dim);
    if (noisy && s.noise > 0) {
      // Box-Muller from our own uniforms: reproducible on every platform.
      const double u1 = 1 - rng.uniform(), u2 = rng.uniform();
      y += s.noise * std::sqrt(-2 * std::log(u1)) * std::cos(2 * M_PI * u2);
    }
    for (double v : x)
      out.x.push_back(static_cast<float>(v));
    out.y.push_back(static_cast<float>(y));
  }
  return out;
}

Split bateman_split(const DataSpec& s, int rows, Rng& rng) {
  Split out;
  out.rows = rows;
  const Eigen::MatrixXd a = bateman_matrix(s.decay);
  Eigen::VectorXd n0(s.species);
  for (int r = 0; r < rows; ++r) {
    for (int k = 0; k < s.species; ++k)
      n0[k] = s.initial[0] + rng.uniform() * (s.initial[1] - s.initial[0]);
    const double t = rng.uniform() * s.t_max;
    const Eigen::MatrixXd at = a * t;
    const Eigen::VectorXd n = at.exp() * n0;
    for (int k = 0; k < s.species; ++k)
      out.x.push_back(static_cast<float>(n0[k]));
    out.x.push_back(static_cast<float>(t));
    for (int k = 0; k < s.species; ++k) {
      const double v = s.log_outputs ? std::log(std::max(n[k], 0.0) + 1e-8) : n[k];
      out.y.push_back(static_cast<float>(v));
    }
  }
  return out;
}

}  // namespace

DataSet generated_dataset(const DataSpec& s, std::uint64_t seed) {
  DataSet d;
  Rng train_rng(seed, 11), val_rng(seed, 12), test_rng(seed, 13);
  if (s.name == "runge") {
    d.input_shape = {s.dim};
    d.outputs = 1;
    d.train = runge_split(s, s.train, train_rng, true);
    d.validation = runge_split(s, s.validation, val_rng, false);
    d.test = runge_split(s, s.test, test_rng, false);
  } else {
    d.input_shape = {s.species + 1};
    d.outputs = s.species;
    d.train = bateman_split(s, s.train, train_rng);
    d.validation = bateman_split(s, s.validation, val_rng);
    d.test = bateman_split(s, s.test, test_rng);
  }
  return d;
}

}  // namespace hsicho::train
