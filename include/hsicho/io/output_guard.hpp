// A study file is written to PATH.tmp, then renamed over PATH: whatever PATH was is gone. So it
// is written only where nothing of value is replaced: nothing there, or a study file of the same
// study (a rerun). Never a device, a FIFO, a socket or a folder (a rename would replace the node
// itself: /dev/null as root); another file only when the user says so (--overwrite).
#pragma once

#include <string>

namespace hsicho::io {

// InputError when writing the study `study_name` to `path` would replace something else.
// `option` is how the user says "replace it" ("--overwrite"), named in the message.
void check_study_output(const std::string& path, const std::string& study_name, bool overwrite,
                        const std::string& option);

}  // namespace hsicho::io
