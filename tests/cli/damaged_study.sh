#!/usr/bin/env bash
# Damaged or foreign study files (made from a real one with h5py, a reader other than hsicho's):
# report, report --json, export and analyze refuse each with exit 2 and a message that names the
# file and what is wrong; none crashes, none prints numbers from a damaged file.
set -u
hsicho=$1
root=$2
deck=$root/tests/decks/study_small.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
. "$(dirname "$0")/lib.sh"

"$hsicho" run "$deck" --out "$tmp/good.h5" >"$tmp/run.log" 2>&1 || bad "run: $(tail -3 "$tmp/run.log")"
/usr/bin/python3 - "$tmp" <<'PY' || bad "could not make the damaged files"
import shutil, sys
import h5py, numpy as np
d = sys.argv[1]
good = f"{d}/good.h5"

def variant(name, change):
    path = f"{d}/{name}.h5"
    shutil.copy(good, path)
    with h5py.File(path, "r+") as f:
        change(f)

def replace(f, name, data, **kw):
    del f[name]
    f.create_dataset(name, data=data, **kw)

variant("rank10", lambda f: replace(f, "configs/normalized", np.zeros([2] * 10)))
variant("rank32", lambda f: replace(f, "configs/normalized", np.zeros([1] * 32)))
variant("statuses40", lambda f: replace(f, "results/status", np.array([b"ok"] * 40, dtype=object),
                                         dtype=h5py.string_dtype()))
variant("errors200", lambda f: replace(f, "results/val_error", np.zeros(200)))
variant("stage1", lambda f: replace(f, "configs/stage", np.array([1])))
variant("names_short", lambda f: replace(f, "analysis/names", np.array([b"x"], dtype=object),
                                          dtype=h5py.string_dtype()))
variant("messages_empty", lambda f: replace(f, "results/message", np.array([], dtype=object),
                                             dtype=h5py.string_dtype()))
variant("fixed_strings", lambda f: replace(f, "results/status", np.array([b"ok"] * 12, dtype="S2")))
variant("compound", lambda f: replace(f, "analysis/hsic",
                                      np.zeros(3, dtype=[("a", "f8"), ("b", "i4")])))
def group_instead(f):
    del f["results/val_error"]
    f.create_group("results/val_error")
variant("group", group_instead)
variant("values_shape", lambda f: replace(f, "configs/values", np.array([b"1"] * 5, dtype=object),
                                          dtype=h5py.string_dtype()))
variant("no_format", lambda f: f.attrs.__delitem__("format"))
variant("no_version", lambda f: f.attrs.__delitem__("format_version"))
variant("version3", lambda f: f.attrs.__setitem__("format_version", np.int64(3)))
shutil.copy(good, f"{d}/truncated.h5")
with open(f"{d}/truncated.h5", "r+b") as f:
    f.truncate(2048)
with h5py.File(f"{d}/foreign.h5", "w") as f:
    f["x"] = np.arange(3)
PY
cases=0
for file in "$tmp"/*.h5; do
  name=$(basename "$file" .h5)
  [ "$name" = good ] && continue
  cases=$((cases + 1))
  for command in "report" "report --json" "export --csv" "analyze"; do
    # shellcheck disable=SC2086
    check "$command $name" 2 "$hsicho" $command "$file"
    contains "$command $name names the file" "$file"
  done
done
# The version's message names both versions and what to do.
check "a later version" 2 "$hsicho" report "$tmp/version3.h5"
contains "names the file's version" "format version 3"
contains "names the versions read" "reads versions 1 to 2"
contains "says what to do" "the newer hsicho that wrote it"
check "no version" 2 "$hsicho" export --csv "$tmp/no_version.h5"
contains "no version named" "has no format_version"
# A study file of version 1 (the bootstrap's columns absent, as hsicho 0.1 wrote them) is read.
/usr/bin/python3 - "$tmp" <<'PY' || bad "could not make a version 1 file"
import shutil, sys
import h5py, numpy as np
d = sys.argv[1]
shutil.copy(f"{d}/good.h5", f"{d}/v1.keep")
with h5py.File(f"{d}/v1.keep", "r+") as f:
    f.attrs["format_version"] = np.int64(1)
    for name in ("ci_low", "ci_high", "top_share", "null95"):
        del f["analysis/" + name]
    for name in ("bootstrap", "top_k"):
        del f["analysis"].attrs[name]
PY
check "a version 1 file" 0 "$hsicho" report "$tmp/v1.keep" --json
/usr/bin/python3 -c "
import json, sys; j = json.loads(sys.argv[1])
assert j['format_version'] == 1 and j['analysis']['bootstrap'] == 0
assert all(i['ci_low'] is None for i in j['analysis']['inputs'])" "$out" && ok || bad "version 1 read: $out"
# A study file named .H5 or with no suffix is still read as a study file (by its signature).
cp "$tmp/good.h5" "$tmp/upper.H5"
check "a .H5 study file" 0 "$hsicho" analyze "$tmp/upper.H5"
cp "$tmp/good.h5" "$tmp/no_suffix"
check "a study file without suffix" 0 "$hsicho" analyze "$tmp/no_suffix"
echo "figure: damaged study files $cases kinds x 4 commands, each refused with exit 2"
summary
