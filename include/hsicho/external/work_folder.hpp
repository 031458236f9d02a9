// The work folders of training.command: one per configuration, all inside one folder (the work
// root) that belongs to one study. Two studies sharing a root would rename each other's folders
// and read each other's result.json; a template with '..' would put configurations in one folder
// or outside the root (the user's own folders renamed, commands run in the parent folder).
#pragma once

#include <filesystem>
#include <string>

#include "hsicho/external/command.hpp"

namespace hsicho::external {

// Why a workdir template is refused ("" when it is fine): it must hold {id} and have no '.' or
// '..' component.
std::string workdir_problem(const std::string& workdir);

// The folder every work folder of `settings` lies in: work_base joined with the template's
// folders before its first placeholder ("runs" of "runs/{id}"), absolute.
std::filesystem::path work_root(const CommandSettings& settings);

// Whether `dir` lies strictly inside `root` (both absolute and normalized).
bool inside(const std::filesystem::path& dir, const std::filesystem::path& root);

// Makes the work root this study's (a file .hsicho-study in it names the study file), or finds
// it already is. InputError when it belongs to another study. Safe to call from every rank.
void claim_work_root(const CommandSettings& settings, const std::string& study_file);

}  // namespace hsicho::external
