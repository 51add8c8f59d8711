#!/usr/bin/env bash
# Installs cpsim's build and test dependencies from Debian 12's packages.
# Idempotent: installs only what is missing. Needs root (or sudo).
#   scripts/install-deps.sh          # build, run, analyse (scripts/quickstart.sh)
#   scripts/install-deps.sh --test   # also what only the tests need: a headless browser
#                                    # (chromium) that renders the policy brief, and Slurm with
#                                    # munge for the one-node Slurm test (scripts/test.sh)
set -euo pipefail

packages=(
  build-essential cmake pkg-config git
  libtbb-dev libboost-program-options-dev libhdf5-dev libyaml-cpp-dev librandom123-dev
  hdf5-filter-plugin  # the LZ4 filter for `output.codec: lz4` (docs/output-format.md)
  libgtest-dev libgmock-dev libbenchmark-dev libboost-math-dev libboost-random-dev
  nlohmann-json3-dev libnlopt-cxx-dev
  libopenmpi-dev openmpi-bin
  python3 python3-numpy python3-h5py python3-h5netcdf python3-xarray python3-pandas
  python3-matplotlib python3-yaml python3-jinja2 python3-pytest python3-nbformat python3-nbclient
  python3-ipykernel
  clang-14 libclang-rt-14-dev libfuzzer-14-dev
)
if [ "${1:-}" = "--test" ]; then
  # slurm-wlm and munge: tests/slurm/test_slurm.sh starts a one-node Slurm.
  packages+=(chromium slurm-wlm munge)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null; then sudo="sudo"; else
    echo "install-deps: missing ${missing[*]}; run as root to install them" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
