#!/usr/bin/env bash
# Installs the Debian 12 packages hsicho needs to build, test and benchmark.
# Idempotent: does nothing when everything is already installed.
set -euo pipefail

packages=(
  build-essential cmake git pkg-config
  libtorch-dev libopenblas0-pthread libblas-dev  # libblas-dev: cblas.h for fused training
  libopenmpi-dev openmpi-bin
  libhdf5-dev
  libeigen3-dev libyaml-cpp-dev catch2 zlib1g-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  python3 python3-numpy python3-scipy python3-h5py python3-matplotlib
  python3-torch  # the PyTorch example's test (examples/pytorch) runs in the suite
  python3-pandas # the Python module (python/hsicho)
  python3-sklearn  # the scikit-learn example's test (examples/sklearn) runs in the suite
  slurm-wlm munge  # a real single-node Slurm for the batch scripts' test (tests/slurm)
  pybind11-dev python3-dev  # its compiled HSIC engine
)

for option in "$@"; do
  case "$option" in
    --bench) packages+=(python3-openturns python3-optuna) ;; # peers of the benchmarks
    --fuzz) packages+=(clang libclang-rt-14-dev) ;;                        # libFuzzer and sanitizers
    *) echo "setup: unknown option '$option' (known: --bench, --fuzz)" >&2; exit 2 ;;
  esac
done

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "setup: installing ${missing[*]}"
  $sudo apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${missing[@]}" >/dev/null
fi

# LibTorch falls back to the slow reference BLAS unless OpenBLAS provides libblas.so.3.
arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
blas=/usr/lib/$arch/openblas-pthread/libblas.so.3
if [ -e "$blas" ] && update-alternatives --query "libblas.so.3-$arch" >/dev/null 2>&1; then
  current=$(update-alternatives --query "libblas.so.3-$arch" | awk '/^Value:/ {print $2}')
  if [ "$current" != "$blas" ]; then
    sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo update-alternatives --set "libblas.so.3-$arch" "$blas" >/dev/null
  fi
fi
# The Python module of this checkout for Debian's Python: a .pth file names its folder.
root=$(cd "$(dirname "$0")/.." && pwd)
site=$(/usr/bin/python3 -c "import site; print(site.getsitepackages()[0])" 2>/dev/null || true)
if [ -n "$site" ] && [ "$(cat "$site/hsicho.pth" 2>/dev/null)" != "$root/python" ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo mkdir -p "$site" && echo "$root/python" | $sudo tee "$site/hsicho.pth" >/dev/null
fi
echo "setup: all packages present"
