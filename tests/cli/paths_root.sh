#!/usr/bin/env bash
# Paths as traps that need root (issue 31; tests/cli/paths.sh has the rest): --out a device node
# is refused and left a device; the work folders on a full disk (a tmpfs) fail the run with the
# resume command, not a configuration, and the resume trains all once space is freed. Says
# skipped (exit 77) where it cannot make a device node or mount a tmpfs (not root).
#   paths_root.sh HSICHO ROOT
set -u
hsicho=$1
root=$2
. "$root/tests/cli/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
mkdir probe
if ! mknod probe/null c 1 3 2>/dev/null || ! mount -t tmpfs -o size=64k tmpfs probe 2>/dev/null; then
  echo "SKIPPED: making a device node and mounting a tmpfs need root here"
  exit 77
fi
umount probe
printf 'data: {name: runge, train: 16, validation: 16, test: 16}\ndesign: {samples: 4}\ntraining: {epochs: 1}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >small.yaml
mknod mynull c 1 3
check "--out a device node" 2 "$hsicho" run small.yaml --out mynull
check "  still a device" 0 test -c mynull

# The work folders on a full disk: hsicho's own writes there (params.json, the folder) fail the
# run with the resume command, not the configuration; once space is freed the resume trains all.
cat >lr_is_error.sh <<'EOF'
#!/bin/sh
lr=$(sed -n 's/.*"lr": \([-0-9.e+]*\).*/\1/p' "$1" | head -1)
sleep 0.2
printf '{"error": %s}\n' "$lr" >"$2"
EOF
chmod +x lr_is_error.sh
printf 'study: {name: one, seed: 1}\ndesign: {samples: 8}\ntraining: {command: [./lr_is_error.sh, "{params}", "{result}"]}\nspace:\n  - {name: lr, type: log, range: [1.0e-4, 1.0e-1]}\n' >one.yaml
mkdir -p "$tmp/wd"
mount -t tmpfs -o size=1m tmpfs "$tmp/wd" || exit 1
trap 'umount "$tmp/wd" 2>/dev/null; rm -rf "$tmp"' EXIT
mkdir -p "$tmp/wd/runs"
# The folder already belongs to this study (as after a first run), then the disk fills.
echo "$tmp/full.h5" >"$tmp/wd/runs/.hsicho-study"
dd if=/dev/zero of="$tmp/wd/filler" bs=1k count=2000 2>/dev/null  # fills it
sed 's|^training: {\(.*\)}$|training: {\1, workdir: "'"$tmp"'/wd/runs/{id}"}|' one.yaml >full.yaml
"$hsicho" run full.yaml --out full.h5 >full.log 2>&1
rc=$?
[ "$rc" -eq 1 ] && ok || bad "work folders on a full disk: exit $rc, wanted 1: $(tail -3 full.log)"
grep -qE "cannot write '.*params.json' \(disk full\?\)|cannot create the work folder" full.log &&
  grep -q -- "--resume" full.log && ok || bad "full disk: no clear message: $(tail -3 full.log)"
[ "$(records full.h5)" -eq 0 ] && ok || bad "full disk: a training was journaled as a result"
rm -f "$tmp/wd/filler"
check "  resumed once space is freed" 0 "$hsicho" run full.yaml --out full.h5 --resume
"$hsicho" export full.h5 --csv >full.csv 2>/dev/null
[ "$(grep -c ',ok,' full.csv)" -eq 8 ] && ok || bad "full disk: not every training ok after the resume"
umount "$tmp/wd"
summary
