#!/usr/bin/env bash
# hsicho run on 1, 2 and 3 ranks writes the same study (results, analysis), in the documented layout.
set -u
hsicho=$1
mpiexec=$2
root=$3
deck=$root/tests/decks/study_small.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"
"$hsicho" run "$deck" --out "$tmp/np1.h5" >"$tmp/np1.log" 2>&1 && ok || bad "1 rank: $(tail -3 "$tmp/np1.log")"
grep -q "study file: $tmp/np1.h5" "$tmp/np1.log" && ok || bad "no study file line"
grep -q "what decides landing among the best" "$tmp/np1.log" && ok || bad "no summary"
/usr/bin/python3 "$root/tests/cli/study_schema.py" "$tmp/np1.h5" 12 5 5 && ok || bad "layout"
# The study file names the commit built, as git says it (read at every build, not only when
# CMake configured: cmake/version.cmake).
if head=$(git -C "$root" rev-parse --short HEAD 2>/dev/null); then
  written=$(/usr/bin/python3 -c "import h5py, sys; print(h5py.File(sys.argv[1], 'r').attrs['git_commit'])" "$tmp/np1.h5")
  [ "${written%-dirty}" = "$head" ] && ok || bad "@git_commit $written, git's HEAD $head (rebuild after committing)"
fi
for np in 2 3; do
  "$mpiexec" -n $np "$hsicho" run "$deck" --out "$tmp/np$np.h5" >"$tmp/np$np.log" 2>&1 && ok || bad "$np ranks: $(tail -3 "$tmp/np$np.log")"
  /usr/bin/python3 "$root/tests/cli/compare_studies.py" "$tmp/np1.h5" "$tmp/np$np.h5" && ok || bad "$np ranks differ"
done
# Static scheduling gives the same study too.
sed 's/progress: 0}/progress: 0, scheduling: static}/' "$deck" >"$tmp/static.yaml"
"$mpiexec" -n 2 "$hsicho" run "$tmp/static.yaml" --out "$tmp/static.h5" >"$tmp/static.log" 2>&1 && ok || bad "static"
/usr/bin/python3 "$root/tests/cli/compare_studies.py" "$tmp/np1.h5" "$tmp/static.h5" && ok || bad "static differs"
# More ranks than configurations: some ranks get nothing to do.
printf 'design: {samples: 2}\n' >"$tmp/tiny.yaml"
grep -v '^design' "$deck" >>"$tmp/tiny.yaml"
"$mpiexec" -n 3 "$hsicho" run "$tmp/tiny.yaml" --out "$tmp/tiny.h5" >"$tmp/tiny.log" 2>&1 && ok || bad "more ranks than configurations: $(tail -3 "$tmp/tiny.log")"
# The study file analysed again, with other settings, on any number of ranks.
"$hsicho" analyze "$tmp/np1.h5" --alpha 0.5 --json >"$tmp/a1.json" && ok || bad "analyze study"
"$mpiexec" -n 2 "$hsicho" analyze "$tmp/np1.h5" --alpha 0.5 --json >"$tmp/a2.json" && ok || bad "analyze study on 2 ranks"
cmp -s "$tmp/a1.json" "$tmp/a2.json" && ok || bad "analyze differs on 2 ranks"
summary
