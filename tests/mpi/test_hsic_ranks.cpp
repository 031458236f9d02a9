// The HSIC analysis spread over ranks gives the same bits as one process.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "hsicho/hsic/analysis.hpp"
#include "hsicho/parallel/hsic_partition.hpp"
#include "hsicho/parallel/mpi_session.hpp"
#include "hsicho/random.hpp"

using namespace hsicho;

namespace {
bool same_bits(double a, double b) {
  return std::memcmp(&a, &b, sizeof a) == 0;  // NaN == NaN here, and -0 != 0
}
}  // namespace

TEST_CASE("analysis on all ranks equals the analysis of one process, bit for bit", "[mpi][hsic]") {
  Rng rng(3);
  const int n = 700, d = 4;
  Eigen::MatrixXd x(n, d);
  Eigen::VectorXd y(n);
  for (int i = 0; i < n; ++i) {
    for (int c = 0; c < d; ++c)
      x(i, c) = rng.uniform();
    if (x(i, 0) < 0.3) x(i, 3) = NAN;  // a conditional input
    y[i] = x(i, 0) + x(i, 1) * x(i, 2) + 0.1 * rng.uniform();
  }
  const std::vector<std::string> names = {"a", "b", "c", "d"};
  const auto world = parallel::world_partition();
  REQUIRE(world.size >= 2);
  // Four inputs: whole inputs go to ranks. One input: its kernel rows are spread.
  for (int width : {4, 1}) {
    const Eigen::MatrixXd xw = x.leftCols(width);
    const std::vector<std::string> nw(names.begin(), names.begin() + width);
    for (int variant = 0; variant < 4; ++variant) {
      hsic::Options o;
      o.alpha = 0.15;
      o.conditional = true;
      o.interactions = variant == 0;
      if (variant == 1) o.pvalues = hsic::PValueMethod::Permutation, o.permutations = 150;
      if (variant == 2) o.estimator = hsic::Estimator::U, o.global = true;
      if (variant == 3) o.block_size = 50, o.bandwidth = hsic::BandwidthRule::parse("max");
      INFO("variant " << variant << ", " << width << " inputs");
      const auto serial = hsic::analyze(xw, y, nw, o, hsic::Partition{});
      const auto spread = hsic::analyze(xw, y, nw, o, world);
      for (std::size_t c = 0; c < nw.size(); ++c) {
        INFO("input " << nw[c]);
        CHECK(same_bits(serial.inputs[c].hsic, spread.inputs[c].hsic));
        CHECK(same_bits(serial.inputs[c].pvalue, spread.inputs[c].pvalue));
        CHECK(same_bits(serial.inputs[c].r2, spread.inputs[c].r2));
        CHECK(same_bits(serial.inputs[c].stderr_, spread.inputs[c].stderr_));
        CHECK(same_bits(serial.inputs[c].active_hsic, spread.inputs[c].active_hsic));
        // The ranking and its evidence.
        CHECK(serial.inputs[c].rank == spread.inputs[c].rank);
        CHECK(same_bits(serial.inputs[c].evidence, spread.inputs[c].evidence));
        CHECK(same_bits(serial.inputs[c].evidence_pvalue, spread.inputs[c].evidence_pvalue));
        CHECK(same_bits(serial.inputs[c].main_pvalue, spread.inputs[c].main_pvalue));
        CHECK(same_bits(serial.inputs[c].pair_pvalue, spread.inputs[c].pair_pvalue));
        CHECK(serial.inputs[c].partner == spread.inputs[c].partner);
        CHECK(same_bits(serial.inputs[c].top_share, spread.inputs[c].top_share));
      }
      for (Eigen::Index k = 0; k < serial.interactions.size(); ++k) {
        CHECK(same_bits(serial.interactions.data()[k], spread.interactions.data()[k]));
      }
      // And every rank holds the same result.
      std::uint64_t bits;
      std::memcpy(&bits, &spread.inputs[0].hsic, sizeof bits);
      const auto all = parallel::all_gather(bits);
      for (auto b : all)
        CHECK(b == all[0]);
    }
  }
}
