#!/usr/bin/env bash
# Checks hsicho's GPU path on a machine with an NVIDIA GPU and a CUDA build of PyTorch (whose
# LibTorch, headers and CMake files come with it). That machine may have no network: the other
# dependencies come as Debian packages unpacked beforehand into a private prefix:
#
#   on a Debian 12 machine with network, in the repository:
#     scripts/gpu_check.sh --prepare          # downloads and unpacks them into .gpu/prefix
#   on the GPU machine (with the repository and .gpu/ copied there):
#     scripts/gpu_check.sh [OUTPUT_FOLDER]
#
# It builds the libraries and tests against that LibTorch (without MPI), runs the unit and
# training tests (the CUDA ones included: device placement, out-of-memory as a failed result),
# then prints training throughput on GPU vs CPU for a small MLP on Runge and a LeNet-like CNN,
# and with 1 and 4 processes sharing the GPU.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
prefix=$root/.gpu/prefix

if [ "${1:-}" = "--prepare" ]; then
  set -e
  mkdir -p "$root/.gpu/debs"
  # The serial HDF5 and the header-only libraries (CLI11, nlohmann-json, fmt) came with the
  # typed deck and the study file without MPI; not yet tried on a GPU machine with this list.
  (cd "$root/.gpu/debs" && apt-get download libyaml-cpp-dev libyaml-cpp0.7 libeigen3-dev catch2 zlib1g-dev \
    libcli11-dev nlohmann-json3-dev libfmt-dev libfmt9 libhdf5-dev libhdf5-103-1 libhdf5-hl-100 libsz2 libaec0)
  rm -rf "$prefix"
  for f in "$root"/.gpu/debs/*.deb; do dpkg -x "$f" "$prefix"; done
  # zlib: keep the static library; the shared one's link points at a system path.
  rm -f "$prefix"/usr/lib/x86_64-linux-gnu/libz.so
  echo "prepared $prefix ($(du -sh "$prefix" | cut -f1)); copy .gpu/ with the repository"
  exit 0
fi

out=${1:-$root/gpu-check-output}
mkdir -p "$out"
log() { echo "== $*"; }
[ -d "$prefix" ] || { echo "no $prefix: run scripts/gpu_check.sh --prepare first"; exit 2; }
log "machine"
nvidia-smi -L || true
python3 -c 'import torch; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "devices", torch.cuda.device_count())'
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
export LD_LIBRARY_PATH=$prefix/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
build=$root/build-gpu
jobs=$(nproc)
for std in 17 20; do
  log "configure against $torch_prefix (C++$std)"
  rm -rf "$build"
  if cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHSICHO_WITH_MPI=OFF -DCMAKE_CXX_STANDARD=$std \
       -DCMAKE_PREFIX_PATH="$torch_prefix;$prefix/usr" -DHDF5_C_INCLUDE_DIR="$prefix/usr/include/hdf5/serial" \
       -DHDF5_C_LIBRARY_hdf5="$prefix/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so" >"$out/configure.log" 2>&1 &&
     cmake --build "$build" -j "$jobs" --target hsicho_unit_tests hsicho_train_tests hsicho_bench_train \
       >"$out/build.log" 2>&1; then
    built=$std
    break
  fi
  tail -n 30 "$out/configure.log" "$out/build.log"
done
[ -n "${built:-}" ] || { log "build failed"; exit 1; }
log "built with C++$built; $(grep -m1 'LibTorch' "$out/configure.log")"

export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
log "unit tests"
"$build/tests/hsicho_unit_tests" 2>&1 | tail -n 3
log "training tests (CUDA included)"
"$build/tests/hsicho_train_tests" --durations yes 2>&1 | tail -n 25

log "throughput, samples per second"
bench=$build/bench/hsicho_bench_train
for case in "mlp 10" "cnn 3"; do
  set -- $case
  cpu=$("$bench" "$1" "$2" cpu | sed 's/.*samples_per_second=\([^ ]*\).*/\1/')
  gpu=$("$bench" "$1" "$2" cuda | sed 's/.*samples_per_second=\([^ ]*\).*/\1/')
  echo "$1: cpu (1 thread) $cpu, cuda $gpu"
done
log "packing: 1 vs 4 processes on one GPU (small MLP), total samples per second"
for procs in 1 4; do
  start=$(date +%s.%N)
  for k in $(seq "$procs"); do "$bench" mlp 10 cuda >"$out/pack_${procs}_$k.txt" & done
  wait
  total=$(cat "$out"/pack_"${procs}"_*.txt | sed 's/.*samples_per_second=\([^ ]*\).*/\1/' |
          python3 -c 'import sys; print(round(sum(float(v) for v in sys.stdin)))')
  wall=$(python3 -c "print(round($(date +%s.%N) - $start, 2))")
  echo "$procs process(es): summed $total samples/s (wall ${wall} s)"
done
