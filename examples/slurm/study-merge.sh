#!/usr/bin/env bash
# Joins the parts written by study-array.sh into one study file, the same
# file one `cpsim study` would write (docs/studies.md). Submitted by
# submit-study.sh to run after every array task succeeded:
#   sbatch --dependency=afterok:ARRAY_JOB_ID examples/slurm/study-merge.sh PARTS_DIR OUT.h5
# The merge refuses (exit 2, one line in the job's output) a missing or
# duplicated part, parts of another study or another cpsim.
#SBATCH --job-name=cpsim-merge
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=1
#SBATCH --mem-per-cpu=4G
#SBATCH --time=00:30:00
set -euo pipefail

parts=${1:?usage: sbatch study-merge.sh PARTS_DIR OUT.h5}
out=${2:?usage: sbatch study-merge.sh PARTS_DIR OUT.h5}
cpsim=${CPSIM:-cpsim}

shopt -s nullglob
files=("$parts"/part-*.h5)
if [ ${#files[@]} -eq 0 ]; then
  echo "study-merge.sh: no part files in $parts" >&2
  exit 2
fi
# The merge reads the study file the parts name, from the folder they ran in.
exec "$cpsim" study --merge "${files[@]}" -o "$out" --force
