// "did you mean ...?" for misspelt keys, names and options.
#pragma once

#include <string>
#include <vector>

namespace hsicho {

// Edit distance (insertions, deletions, substitutions, adjacent transpositions).
std::size_t edit_distance(const std::string& a, const std::string& b);

// " (did you mean 'units'?)" for the closest candidate within a few edits, else "".
std::string did_you_mean(const std::string& word, const std::vector<std::string>& candidates);

// "a, b, c" for messages that list what is expected.
std::string join(const std::vector<std::string>& words, const std::string& sep = ", ");

// A word as a POSIX shell reads it back unchanged: as is when it holds only safe characters,
// else in single quotes ('it'\''s'), so that a printed command can be pasted as it is.
std::string shell_quote(const std::string& word);

}  // namespace hsicho
