#!/usr/bin/env bash
# From a fresh clone to a first result: install dependencies, build the cpsim
# command line (Release), run the default scenario and print its summary.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build --target cpsim -j"$(nproc)"
mkdir -p results
scenario=${1:-scenarios/xihu/baseline.yaml}
out="results/$(basename "${scenario%.yaml}").h5"
build/app/cpsim run "$scenario" -o "$out" --force
echo
echo "Next: build/app/cpsim info $out    (or open it in Python: see docs/output-format.md)"
