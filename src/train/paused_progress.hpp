// What a paused training carries besides its weights, for the plain trainer and a fused member
// alike (train_pausable, GroupHooks::pausing): its curve, counters and best error, in a LibTorch
// archive, and the archive written atomically. Any fault reading it is the caller's to report.
#pragma once

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include <torch/torch.h>

#include "hsicho/error.hpp"
#include "hsicho/record.hpp"

namespace hsicho::train {

inline torch::Tensor archived_number(double v) {
  return torch::tensor({v}, torch::TensorOptions().dtype(torch::kFloat64));
}

// A fresh tensor per read: reading into one already read would resize its storage.
inline torch::Tensor archived(torch::serialize::InputArchive& a, const std::string& key) {
  torch::Tensor t;
  a.read(key, t);
  return t;
}

inline void write_progress(torch::serialize::OutputArchive& a, const Record& r, double best,
                           int since_best) {
  a.write("curve", torch::tensor(r.curves, torch::TensorOptions().dtype(torch::kFloat64)));
  a.write("epochs", archived_number(r.epochs));
  a.write("best_epoch", archived_number(r.best_epoch));
  a.write("val_error", archived_number(r.val_error));
  a.write("val_rel_l2", archived_number(r.val_rel_l2));
  a.write("seconds", archived_number(r.seconds));
  a.write("best", archived_number(best));
  a.write("since_best", archived_number(since_best));
}

inline void read_progress(torch::serialize::InputArchive& a, Record& r, double& best,
                          int& since_best) {
  const auto number = [&](const char* key) { return archived(a, key).item<double>(); };
  const torch::Tensor curve = archived(a, "curve").contiguous();
  r.curves.assign(curve.data_ptr<double>(), curve.data_ptr<double>() + curve.numel());
  r.epochs = static_cast<int>(number("epochs"));
  r.best_epoch = static_cast<int>(number("best_epoch"));
  r.val_error = number("val_error");
  r.val_rel_l2 = number("val_rel_l2");
  r.seconds = number("seconds");
  best = number("best");
  since_best = static_cast<int>(number("since_best"));
}

// Written beside, then renamed over `file`: a kill leaves the old state or the new one.
inline void save_atomically(torch::serialize::OutputArchive& a, const std::string& file) {
  const std::string tmp = file + ".tmp";
  a.save_to(tmp);
  if (std::rename(tmp.c_str(), file.c_str()) != 0)
    throw RuntimeError("cannot write the paused training '" + file + "': " + std::strerror(errno));
}

// The message of a paused state that does not read.
inline std::string unreadable_paused(const std::string& file, const std::string& what) {
  return "the paused training '" + file +
         "' does not read (missing, damaged, or of another network): " +
         what.substr(0, what.find('\n'));
}

}  // namespace hsicho::train
