// The HSIC engine of `hsicho analyze` as a Python extension (python/hsicho/engine.py wraps it):
// the same options, read by the same validators (study/analysis_settings.hpp), the same engine
// and the same JSON as `hsicho analyze --json`, on arrays instead of a CSV file.
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <cmath>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "hsicho/error.hpp"
#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/analysis_json.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/study/analysis_settings.hpp"
#include "hsicho/study/analyze_trials.hpp"

namespace py = pybind11;
using Array = py::array_t<double, py::array::c_style | py::array::forcecast>;

using namespace hsicho;

namespace {

// x: n x d (NaN where a conditional input is inactive), y: n errors (lower is better; NaN and
// inf count as the worst), names: d, options: the analysis block's keys as text.
std::string analyze_json(const Array& x, const Array& y, const std::vector<std::string>& names,
                         const std::map<std::string, std::string>& options) {
  if (x.ndim() != 2) throw std::invalid_argument("x must be a 2-D array (rows x inputs)");
  if (y.ndim() != 1 || y.shape(0) != x.shape(0))
    throw std::invalid_argument("y must be a 1-D array with one value per row of x");
  const auto n = static_cast<Eigen::Index>(x.shape(0)), d = static_cast<Eigen::Index>(x.shape(1));
  if (static_cast<Eigen::Index>(names.size()) != d)
    throw std::invalid_argument("names must give one name per column of x");
  hsic::Options o;
  study::apply_analysis_defaults(o);  // as hsicho analyze
  for (const auto& [key, text] : options) {
    if (key == "conditional") {
      o.conditional = text == "true";
      continue;
    }
    study::set_analysis_option(o, key, text);  // std::invalid_argument -> ValueError
  }
  Eigen::MatrixXd xm(n, d);
  Eigen::VectorXd ym(n);
  const auto xa = x.unchecked<2>();
  const auto ya = y.unchecked<1>();
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index c = 0; c < d; ++c)
      xm(r, c) = xa(r, c);
    ym[r] = std::isnan(ya(r)) ? INFINITY : ya(r);  // as the CSV reader: the worst
  }
  const hsic::Analysis an = hsic::analyze(xm, ym, names, o);
  io::Json j = io::analysis_json(an);
  j["estimator"] = o.block_size ? "block" : o.estimator == hsic::Estimator::V ? "v" : "u";
  j["kind"] = o.global ? "global" : "target";
  return io::json_text(j);
}

// `hsicho analyze FILE.csv --target TARGET --json` itself (the same reader: Optuna's columns,
// categories, notes), for a table Python wrote (engine.analyze of an optuna.Study).
std::string analyze_csv_json(const std::string& path, const std::string& target,
                             const std::map<std::string, std::string>& options) {
  study::TrialsRequest r;
  r.file = path;
  r.target = target;
  study::apply_analysis_defaults(r.options);
  for (const auto& [key, text] : options) {
    if (key == "conditional") {
      r.options.conditional = text == "true";
      continue;
    }
    study::set_analysis_option(r.options, key, text);
  }
  std::vector<std::string> notes;
  const hsic::Analysis an = study::analyze_trials(r, &notes);
  io::Json j = io::analysis_json(an);
  j["estimator"] = r.options.block_size                        ? "block"
                   : r.options.estimator == hsic::Estimator::V ? "v"
                                                               : "u";
  j["kind"] = r.options.global ? "global" : "target";
  j["notes"] = notes;
  return io::json_text(j);
}

}  // namespace

PYBIND11_MODULE(_hsicho_engine, m) {
  m.doc() = "hsicho's HSIC engine (use hsicho.engine.analyze)";
  py::register_exception<InputError>(m, "InputError", PyExc_ValueError);
  m.def("analyze_json", &analyze_json, py::arg("x"), py::arg("y"), py::arg("names"),
        py::arg("options"), "the JSON of `hsicho analyze --json` for arrays x (n x d) and y (n)");
  m.def("analyze_csv_json", &analyze_csv_json, py::arg("path"), py::arg("target"),
        py::arg("options"), "the JSON of `hsicho analyze PATH --target TARGET --json`");
}
