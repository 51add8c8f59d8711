#!/usr/bin/env bash
# Submits a study as a job array of N parts and a merge that runs when every
# part has succeeded; prints the two job ids (array, merge).
#   CPSIM=$PWD/build/app/cpsim examples/slurm/submit-study.sh STUDY.yaml N PARTS_DIR OUT.h5 [sbatch options...]
# e.g. examples/slurm/submit-study.sh scenarios/studies/rural-pension.yaml 16 parts rural-pension.h5 --partition=long
# Run it from the folder the study paths are relative to: the jobs start
# there (sbatch's default working directory).
set -euo pipefail

usage="usage: submit-study.sh STUDY.yaml N PARTS_DIR OUT.h5 [sbatch options...]"
study=${1:?$usage}
count=${2:?$usage}
parts=${3:?$usage}
out=${4:?$usage}
shift 4
here=$(cd "$(dirname "$0")" && pwd)
export CPSIM=${CPSIM:-cpsim}

# With CPSIM_VALIDATE=1, refuse a bad study here, before anything is queued.
# Off by default: `cpsim validate` builds every variant and times a year of
# the first, too much for a login node at full scale. Unchecked, a bad study
# (or a bad N, more parts than runs) ends every array task with exit 2 and
# one line in its log, and the merge is cancelled.
if [ "${CPSIM_VALIDATE:-0}" = 1 ]; then "$CPSIM" validate "$study" >/dev/null; fi
mkdir -p "$parts"
array=$(sbatch --parsable --export=ALL --array="0-$((count - 1))" "$@" \
  --output="$parts/part-%a.log" "$here/study-array.sh" "$study" "$parts")
array=${array%%;*}   # --parsable prints JOBID[;CLUSTER]
merge=$(sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes \
  "$@" --output="$parts/merge.log" "$here/study-merge.sh" "$parts" "$out")
merge=${merge%%;*}
echo "$array $merge"
