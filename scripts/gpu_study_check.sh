#!/usr/bin/env bash
# The whole program on a GPU machine: hsicho built with MPI and the serial HDF5 (Debian's OpenMPI
# unpacked beforehand into .gpu/mpi, relocated with OPAL_PREFIX; HDF5 from gpu_check.sh's prefix), then `hsicho run`
# studies with device: cuda on 1 and 4 ranks sharing the GPU (trainings per hour), and a small
# MNIST study on the GPU. Prepare on a Debian 12 machine with network:
#   scripts/gpu_check.sh --prepare && scripts/gpu_study_check.sh --prepare && ./scripts/get_data.sh mnist
# then copy the repository with .gpu/ and data/mnist to the GPU machine and run
#   scripts/gpu_study_check.sh OUT_DIR
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
mpi=$root/.gpu/mpi
if [ "${1:-}" = "--prepare" ]; then
  set -e
  rm -rf "$root/.gpu/mpidebs" "$mpi" && mkdir -p "$root/.gpu/mpidebs"
  (cd "$root/.gpu/mpidebs" && apt-get download openmpi-bin openmpi-common libopenmpi3 libopenmpi-dev libpmix2 \
    libevent-core-2.1-7 libevent-pthreads-2.1-7 libhwloc15 libfabric1 libucx0 libibverbs1 ibverbs-providers \
    librdmacm1 libpsm2-2 libpsm-infinipath1 libnl-3-200 libnl-route-3-200 libnuma1 libmunge2 libsz2 libaec0 \
    libcurl4 libnghttp2-14 librtmp1 libssh2-1 libpsl5 libldap-2.5-0 libsasl2-2 libbrotli1 libltdl7)
  for f in "$root"/.gpu/mpidebs/*.deb; do dpkg -x "$f" "$mpi"; done
  rm -rf "$root/.gpu/mpidebs" "$mpi/usr/share/doc" "$mpi/usr/share/man" "$mpi/usr/lib/x86_64-linux-gnu/fortran"
  find "$mpi" -name "*.a" -delete
  echo "prepared $mpi ($(du -sh "$mpi" | cut -f1))"
  exit 0
fi
out=${1:-$root/gpu-study-output}
mkdir -p "$out"
log() { echo "== $*"; }
[ -d "$mpi" ] || { echo "no $mpi: run scripts/gpu_study_check.sh --prepare first"; exit 2; }
export OPAL_PREFIX=$mpi/usr
# Commands under their usual names, and the libraries the system lacks (only those: the
# system's own stay first for everything else).
bin=$out/bin libs=$out/libs
mkdir -p "$bin" "$libs"
for t in mpicc mpicxx mpiexec mpirun; do ln -sf "$mpi/usr/bin/$t.openmpi" "$bin/$t"; done
for d in "$mpi/usr/lib/x86_64-linux-gnu" "$mpi/lib/x86_64-linux-gnu" "$mpi/usr/lib/x86_64-linux-gnu/pmix2/lib" \
  "$mpi/usr/lib/x86_64-linux-gnu/openmpi/lib"; do
  for f in "$d"/*.so.*; do
    [ -e "$f" ] || continue
    name=$(basename "$f")
    ldconfig -p | awk '{print $1}' | grep -qx "$name" || ln -sf "$f" "$libs/$name"
  done
done
export PATH=$bin:$mpi/usr/bin:$PATH LD_LIBRARY_PATH=$libs${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_pml=ob1 OMPI_MCA_btl=self,vader
export OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
log "MPI: $(mpiexec --version 2>&1 | head -1); $(ls "$libs" | wc -l) libraries taken from the Debian packages"
mpiexec -n 2 hostname || { log "mpiexec does not start"; exit 1; }
torch_prefix=$(python3 -c 'import torch; print(torch.utils.cmake_prefix_path)')
build=$root/build-gpu-full
rm -rf "$build"
log "configure and build (MPI, serial HDF5, CUDA LibTorch)"
if ! cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DHSICHO_BUILD_TESTS=OFF -DHSICHO_BUILD_BENCH=OFF \
    -DCMAKE_PREFIX_PATH="$torch_prefix;$root/.gpu/prefix/usr" -DMPI_C_COMPILER="$bin/mpicc" -DMPI_CXX_COMPILER="$bin/mpicxx" \
    -DHDF5_C_INCLUDE_DIR="$root/.gpu/prefix/usr/include/hdf5/serial" \
    -DHDF5_C_LIBRARY_hdf5="$root/.gpu/prefix/usr/lib/x86_64-linux-gnu/hdf5/serial/libhdf5.so" >"$out/configure.log" 2>&1; then
  tail -n 30 "$out/configure.log"
  exit 1
fi
grep -E "hsicho: LibTorch|Found MPI|Found HDF5" "$out/configure.log"
cmake --build "$build" -j "$(nproc)" --target hsicho >"$out/build.log" 2>&1 || { tail -n 30 "$out/build.log"; exit 1; }
hsicho=$build/hsicho
"$hsicho" version
# A Runge study on the GPU: 32 configurations.
sed -e 's/samples: 12}/samples: 32}/' -e 's/training: {epochs: 3, batch_size: 16}/training: {epochs: 100, batch_size: 32, device: cuda}/' \
  "$root/tests/decks/study_small.yaml" >"$out/runge_gpu.yaml"
for np in 1 4; do
  log "Runge study, 32 trainings, $np rank(s) on one GPU"
  start=$(date +%s.%N)
  mpiexec -n $np "$hsicho" run "$out/runge_gpu.yaml" --out "$out/runge_np$np.h5" >"$out/runge_np$np.log" 2>&1 || { tail -n 20 "$out/runge_np$np.log"; exit 1; }
  wall=$(python3 -c "print($(date +%s.%N) - $start)")
  python3 - "$out/runge_np$np.h5" "$wall" "$np" <<'PY'
import sys, h5py, numpy as np
f = h5py.File(sys.argv[1]); wall = float(sys.argv[2])
dev = sorted(set(f["results/device"].asstr()[()])); st = f["results/status"].asstr()[()]
err = f["results/val_error"][()]
print(f"  {sys.argv[3]} rank(s): {len(err)} trainings in {wall:.1f} s = {3600 * len(err) / wall:.0f} trainings/hour; "
      f"devices {dev}; status ok {np.mean(st == 'ok'):.0%}; best val MSE {np.nanmin(err):.2e}; "
      f"ranks used {sorted(set(f['results/rank'][()]))}")
PY
done
"$root/build-gpu-full/hsicho" analyze "$out/runge_np4.h5" --json >"$out/a4.json"
"$root/build-gpu-full/hsicho" analyze "$out/runge_np1.h5" --json >"$out/a1.json"
cmp -s "$out/a1.json" "$out/a4.json" && echo "  same indices from the 1-rank and 4-rank studies" || echo "  indices differ between 1 and 4 ranks (GPU kernels need not be bitwise deterministic)"
if [ -f "$root/data/mnist/train-images-idx3-ubyte.gz" ]; then
  log "MNIST study on the GPU (small deck, device cuda), 4 ranks"
  sed -e "s|path: data/mnist|path: $root/data/mnist|" -e 's/training: {epochs: 3, batch_size: 64}/training: {epochs: 3, batch_size: 64, device: cuda}/' \
    "$root/inputs/mnist_small.yaml" >"$out/mnist_gpu.yaml"
  start=$(date +%s.%N)
  mpiexec -n 4 "$hsicho" run "$out/mnist_gpu.yaml" --out "$out/mnist.h5" >"$out/mnist.log" 2>&1 || { tail -n 20 "$out/mnist.log"; exit 1; }
  grep -A8 "^best" "$out/mnist.log"
  echo "  wall $(python3 -c "print(round($(date +%s.%N) - $start, 1))") s"
fi
