#include "hsicho/io/output_guard.hpp"

#include <sys/stat.h>

#include "hsicho/error.hpp"
#include "hsicho/io/regular_file.hpp"
#include "hsicho/io/study_file.hpp"

namespace hsicho::io {

void check_study_output(const std::string& path, const std::string& study_name, bool overwrite,
                        const std::string& option) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return;  // nothing there
  // A link is replaced by the file, its target left alone; but a link to a device says the user
  // meant the device: refused like one.
  if (const auto kind = not_regular(path); !kind.empty()) {
    throw InputError("the study file '" + path + "' is " + kind +
                     "; a study file replaces what it is written over: give the name of a "
                     "regular file (e.g. " +
                     study_name + ".h5)");
  }
  std::string found, other;
  try {
    const auto s = read_study(path);
    if (s.provenance.name == study_name) return;  // the same study, written again
    other = s.provenance.name;
  } catch (const std::exception&) {
    found = is_study_file_name(path) ? "not a readable hsicho study file" : "not a study file";
  }
  if (overwrite) return;
  if (found.empty()) {
    // Most often the deck's study.name was edited: the key that changed is named first.
    throw InputError("the study file '" + path + "' is the study file of study '" + other +
                     "', and this deck's study.name is '" + study_name +
                     "': to go on with that study, set study.name back to '" + other +
                     "'; for a new study, give it another --out (or " + option +
                     " to replace the file)");
  }
  throw InputError("the study file '" + path + "' exists and is " + found +
                   ": hsicho would replace it. Give another name, move it away, or run with " +
                   option + " to replace it");
}

}  // namespace hsicho::io
