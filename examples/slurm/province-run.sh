#!/usr/bin/env bash
# One run split over MPI ranks (domain decomposition, docs/mpi.md), e.g. a
# province of the district economy:
#   sbatch examples/slurm/province-run.sh SCENARIO.yaml OUT.h5 [cpsim run options...]
#   sbatch --nodes=4 --ntasks-per-node=2 --cpus-per-task=8 examples/slurm/province-run.sh \
#       scenarios/xihu/baseline.yaml zhejiang.h5 --set parameters.population.residents=65400000
# Each rank runs --threads $SLURM_CPUS_PER_TASK; the file is bit-identical to
# one process at any rank and thread count. Memory: `cpsim validate
# SCENARIO.yaml` prints the estimate; today the district economy keeps its
# whole state on every rank (docs/mpi.md), so give every rank that much.
#SBATCH --job-name=cpsim-run
#SBATCH --ntasks=4
#SBATCH --cpus-per-task=4
#SBATCH --mem-per-cpu=4G
#SBATCH --time=12:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
# --requeue: after a node failure or preemption Slurm starts the job again.
# The run writes a checkpoint every CPSIM_CHECKPOINT_EVERY steps (default
# 12: a simulated year of the district economy) to OUT.ckpt.h5, and when
# Slurm stops it (SIGTERM at preemption or the time limit) at the end of the
# step it is in. A job that finds that checkpoint goes on from it
# (`cpsim run --restart`): on any number of ranks and threads, to the file
# the uninterrupted run writes. A checkpoint of another scenario or another
# cpsim is refused (exit 2): delete it to start again from step 0.
# docs/checkpoint.md.
set -euo pipefail

scenario=${1:?usage: sbatch province-run.sh SCENARIO.yaml OUT.h5 [cpsim run options...]}
out=${2:?usage: sbatch province-run.sh SCENARIO.yaml OUT.h5 [cpsim run options...]}
shift 2
cpsim=${CPSIM:-cpsim}
threads=${SLURM_CPUS_PER_TASK:-1}
checkpoint=${CPSIM_CHECKPOINT:-${out%.h5}.ckpt.h5}
every=${CPSIM_CHECKPOINT_EVERY:-12}
restart=()
if [ -f "$checkpoint" ]; then
  restart=(--restart "$checkpoint")
  echo "province-run.sh: going on from $checkpoint"
fi
echo "province-run.sh: attempt $((${SLURM_RESTART_COUNT:-0} + 1)), ${SLURM_NTASKS:-1} ranks x $threads threads"

# srun starts one cpsim per task; Open MPI picks up the ranks through PMIx
# (Debian's slurm-wlm and openmpi: --mpi=pmix). mpirun inside the allocation
# works as well: mpirun -q "$cpsim" run ...
# The output is written as OUT.h5.partial and renamed when the run ends, so
# an interrupted attempt never leaves a file that looks like a result
# (--force replaces the incomplete file a stopped attempt marked as such).
srun --mpi="${CPSIM_SRUN_MPI:-pmix}" --cpus-per-task="$threads" \
  "$cpsim" run "$scenario" "${restart[@]}" -o "$out" --threads "$threads" --force --quiet \
  --checkpoint "$checkpoint" --checkpoint-every "$every" "$@"
