#!/usr/bin/env bash
# One array task of a study split into parts (docs/studies.md, "Parts on a
# cluster"): task k of a job array of N tasks runs part k+1 of N of the
# study's runs and writes PARTS/part-(k+1).h5. submit-study.sh submits the
# array and the merge that waits for it; by hand:
#   sbatch --array=0-15 examples/slurm/study-array.sh STUDY.yaml PARTS_DIR
#
# Resources of one task (override on the sbatch command line): the runs of
# one part share --cpus-per-task threads; memory: `cpsim validate STUDY.yaml`
# prints a run's estimate ("memory: about X per run"), times the runs at once.
#SBATCH --job-name=cpsim-study
#SBATCH --ntasks=1
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=2G
#SBATCH --time=02:00:00
#SBATCH --requeue
# A requeued task (node failure, preemption) runs its part again from the
# start and overwrites its part file (--force): parts are whole or absent,
# never half-written (written as .partial, renamed when complete).
set -euo pipefail

study=${1:?usage: sbatch --array=0-N-1 study-array.sh STUDY.yaml PARTS_DIR}
parts=${2:?usage: sbatch --array=0-N-1 study-array.sh STUDY.yaml PARTS_DIR}
cpsim=${CPSIM:-cpsim}          # the cpsim binary (set CPSIM=/path/to/build/app/cpsim)
: "${SLURM_ARRAY_TASK_ID:?run this script as a job array (sbatch --array=0-N-1)}"
: "${SLURM_ARRAY_TASK_COUNT:?run this script as a job array (sbatch --array=0-N-1)}"

part=$((SLURM_ARRAY_TASK_ID + 1))
mkdir -p "$parts"
exec "$cpsim" study "$study" --part "$part/$SLURM_ARRAY_TASK_COUNT" \
  -o "$parts/part-$part.h5" --threads "${SLURM_CPUS_PER_TASK:-1}" --force --quiet
