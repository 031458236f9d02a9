// Times hsicho's HSIC analysis in-process (file reading excluded), on any number of MPI ranks.
// Usage: hsic_bench DATA.csv [--alpha A] [--bandwidth median|VALUE] [--pvalues
// gamma|permutation:B|none]
//        [--estimator v|u] [--repeat R]
// DATA.csv: a header, inputs in every column but the last, the error in the last.
// Prints on rank 0 one JSON object: seconds (best of R), peak memory of rank 0 (MiB), ranks,
// and per input the bandwidth, index, R2 and p-value.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/io/csv.hpp"
#include "hsicho/io/json.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/mpi_session.hpp"

int main(int argc, char** argv) {
  hsicho::parallel::MpiSession mpi(argc, argv);
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s DATA.csv [options]\n", argv[0]);
    return 2;
  }
  hsicho::hsic::Options o;
  int repeat = 1;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string k = argv[i], v = argv[i + 1];
    if (k == "--alpha") o.alpha = std::atof(v.c_str());
    if (k == "--bandwidth") o.bandwidth = hsicho::hsic::BandwidthRule::parse(v);
    if (k == "--estimator")
      o.estimator = v == "u" ? hsicho::hsic::Estimator::U : hsicho::hsic::Estimator::V;
    if (k == "--repeat") repeat = std::atoi(v.c_str());
    if (k == "--pvalues") {
      if (v == "none") o.pvalues = hsicho::hsic::PValueMethod::None;
      if (v.rfind("permutation:", 0) == 0) {
        o.pvalues = hsicho::hsic::PValueMethod::Permutation;
        o.permutations = std::strtoul(v.c_str() + 12, nullptr, 10);
      }
    }
  }
  const auto table = hsicho::io::read_csv(argv[1]);
  const auto n = static_cast<Eigen::Index>(table.rows.size());
  const auto d = static_cast<Eigen::Index>(table.header.size()) - 1;
  Eigen::MatrixXd x(n, d);
  Eigen::VectorXd y(n);
  for (Eigen::Index r = 0; r < n; ++r) {
    for (Eigen::Index c = 0; c < d; ++c)
      x(r, c) = std::atof(table.rows[r][c].c_str());
    y[r] = std::atof(table.rows[r][d].c_str());
  }
  std::vector<std::string> names(table.header.begin(), table.header.end() - 1);
  const auto part = hsicho::parallel::world_partition();
  double best = 1e300;
  hsicho::hsic::Analysis an;
  for (int r = 0; r < repeat; ++r) {
    hsicho::parallel::all_gather(0);  // start together
    const auto t0 = std::chrono::steady_clock::now();
    an = hsicho::hsic::analyze(x, y, names, o, part);
    hsicho::parallel::all_gather(0);
    best = std::min(best,
                    std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  if (mpi.rank() == 0) {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    hsicho::io::Json j = {{"seconds", best},
                          {"peak_mib", ru.ru_maxrss / 1024.0},
                          {"ranks", mpi.size()},
                          {"n", n},
                          {"inputs", hsicho::io::Json::array()}};
    for (const auto& in : an.inputs) {
      j["inputs"].push_back({{"name", in.name},
                             {"bandwidth", in.bandwidth},
                             {"hsic", in.hsic},
                             {"r2", in.r2},
                             {"pvalue", in.pvalue}});
    }
    std::cout << hsicho::io::json_text(j);
  }
  return 0;
}
