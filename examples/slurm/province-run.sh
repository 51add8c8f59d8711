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
# cpsim has no checkpoints yet (issue 13, item 5), so a requeued job runs
# from step 0 again and replaces the output (--force); the .partial file of
# the interrupted attempt is overwritten, never taken for a result.
set -euo pipefail

scenario=${1:?usage: sbatch province-run.sh SCENARIO.yaml OUT.h5 [cpsim run options...]}
out=${2:?usage: sbatch province-run.sh SCENARIO.yaml OUT.h5 [cpsim run options...]}
shift 2
cpsim=${CPSIM:-cpsim}
threads=${SLURM_CPUS_PER_TASK:-1}
echo "province-run.sh: attempt $((${SLURM_RESTART_COUNT:-0} + 1)), ${SLURM_NTASKS:-1} ranks x $threads threads"

# CHECKPOINT HOOK (when `cpsim run --checkpoint-every N` and `--restart`
# exist, issue 13 item 5): resume from the last complete checkpoint of an
# earlier attempt instead of step 0, e.g.
#   checkpoint="$out.checkpoint.h5"
#   if [ "${SLURM_RESTART_COUNT:-0}" -gt 0 ] && [ -f "$checkpoint" ]; then
#     restart=(--restart "$checkpoint"); fi
#   ... cpsim run "${restart[@]}" --checkpoint-every 12 ...
# A checkpoint restarts on any rank count, so a requeue may get other nodes.

# srun starts one cpsim per task; Open MPI picks up the ranks through PMIx
# (Debian's slurm-wlm and openmpi: --mpi=pmix). mpirun inside the allocation
# works as well: mpirun -q "$cpsim" run ...
srun --mpi="${CPSIM_SRUN_MPI:-pmix}" --cpus-per-task="$threads" \
  "$cpsim" run "$scenario" -o "$out" --threads "$threads" --force --quiet "$@"
