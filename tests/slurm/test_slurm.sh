#!/usr/bin/env bash
# examples/slurm/ on a real one-node Slurm, started and stopped by this test.
#
# Usage: test_slurm.sh CPSIM_BINARY SOURCE_DIR [WITH_MPI]   (WITH_MPI 0: no srun run)
#
# Starts munged (a temporary key and socket), slurmctld and slurmd (a
# generated slurm.conf: one node "localhost" with this machine's CPUs, its
# state and spool in a temporary folder, free ports), then
#   1. submits the study as a job array of parts and the merge that depends
#      on it (examples/slurm/submit-study.sh) and checks that the merged file
#      equals the one-process study (tests/python/study_files.py);
#   2. with MPI built in, submits examples/slurm/province-run.sh (srun, 2
#      ranks) on the district economy at 1:100 (6 months) and checks that the file equals the
#      one-process run and records 2 ranks;
#   3. with MPI, submits province-run.sh for 24 months with a checkpoint
#      after month 12, deletes its file and requeues the job (scontrol
#      requeue): the second attempt must go on from the checkpoint to the
#      one-process file.
# Every daemon is stopped at exit (trap). Exits 77 (skipped, with the reason)
# when not root or Slurm/munge are not installed (scripts/install-deps.sh
# --test installs them), 1 on a failure (with the daemons' logs).
set -uo pipefail

cpsim=$(realpath "${1:?usage: test_slurm.sh CPSIM SOURCE_DIR}")
source_dir=$(realpath "${2:?usage: test_slurm.sh CPSIM SOURCE_DIR}")
with_mpi=${3:-1}
python=/usr/bin/python3

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" -eq 0 ] || skip "the one-node Slurm runs its daemons as root (SlurmUser=root); not root"
for program in munged slurmctld slurmd sbatch sinfo scontrol scancel srun; do
  command -v "$program" >/dev/null || [ -x "/usr/sbin/$program" ] ||
    skip "$program not installed (apt-get install slurm-wlm munge, or scripts/install-deps.sh --test)"
done
export PATH="$PATH:/usr/sbin"

tmp=$(mktemp -d /tmp/cpsim-slurm.XXXXXX)
chmod 755 "$tmp"
pids=()
fail() {
  echo "FAIL: $*" >&2
  for log in "$tmp"/log/*.log "$tmp"/work/parts/*.log "$tmp"/work/*.out; do
    [ -f "$log" ] && { echo "--- $log" >&2; tail -n 30 "$log" >&2; }
  done
  exit 1
}
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/work"
chmod 711 "$tmp/munge"

# --- munge: its own key, socket and files; nothing of the system's.
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 400 "$tmp/munge/munge.key"
munged --force --key-file="$tmp/munge/munge.key" --socket="$tmp/munge/socket" \
  --pid-file="$tmp/munge/munged.pid" --log-file="$tmp/log/munged.log" \
  --seed-file="$tmp/munge/seed" || fail "munged did not start"
for _ in $(seq 50); do [ -s "$tmp/munge/munged.pid" ] && break; sleep 0.1; done
pids+=("$(cat "$tmp/munge/munged.pid")")

# --- slurm.conf: free ports, so that a system Slurm or another test is not disturbed.
port=$($python -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(" ".join(str(x.getsockname()[1]) for x in s))')
read -r ctld_port slurmd_port <<<"$port"
cpus=$(nproc)
memory=$(($(awk '/MemTotal/ {print $2}' /proc/meminfo) / 1024 / 2))
cat >"$tmp/slurm.conf" <<CONF
ClusterName=cpsimtest
SlurmctldHost=localhost
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/socket
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
SlurmctldTimeout=30
SlurmdTimeout=30
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP OverSubscribe=NO
CONF
export SLURM_CONF="$tmp/slurm.conf"

slurmctld -D -i -f "$SLURM_CONF" >"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N localhost -f "$SLURM_CONF" >"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
ready=0
for _ in $(seq 120); do
  state=$(sinfo -h -n localhost -o %t 2>/dev/null)
  case "$state" in idle*|mix*|alloc*) ready=1; break ;; esac
  sleep 0.5
done
[ "$ready" -eq 1 ] || fail "the node did not come up (sinfo: '$state')"
echo "slurm up: ctld port $ctld_port, slurmd port $slurmd_port, $cpus CPUs"

# Waits for job $1 to end (at most $2 s); prints its state; 0 if COMPLETED.
wait_job() {
  local job=$1 limit=$2 state=""
  for _ in $(seq $((limit * 2))); do
    state=$(scontrol show job "$job" 2>/dev/null | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1)
    case "$state" in
      COMPLETED) echo "job $job: $state"; return 0 ;;
      FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)
        echo "job $job: $state"; return 1 ;;
    esac
    sleep 0.5
  done
  echo "job $job: still $state after $limit s"
  scancel "$job" 2>/dev/null
  return 1
}

cd "$tmp/work" || fail "no work folder"
export CPSIM="$cpsim"

# --- 1. a study as a job array of 4 parts and a dependent merge.
study="$source_dir/scenarios/studies/kinetic-lambda.yaml"
"$cpsim" study "$study" -o one-process.h5 --threads 1 --quiet || fail "one-process study"
jobs=$(CPSIM_VALIDATE=1 "$source_dir/examples/slurm/submit-study.sh" "$study" 4 parts merged.h5 \
  --cpus-per-task=1 --mem-per-cpu=500M --time=00:10:00) || fail "submit-study.sh"
read -r array merge <<<"$jobs"
echo "submitted array $array and merge $merge"
wait_job "$merge" 300 || fail "the merge job did not complete"
for i in 1 2 3 4; do [ -f "parts/part-$i.h5" ] || fail "no parts/part-$i.h5"; done
$python "$source_dir/tests/python/study_files.py" one-process.h5 merged.h5 ||
  fail "the merged study differs from the one-process study"
echo "study: 4 array tasks merged equal the one-process study"

# --- 2. one run over 2 ranks with srun (province-run.sh).
if [ "$with_mpi" != 1 ]; then
  echo "run: skipped (cpsim built without MPI: srun would start independent processes)"
  echo "PASS"
  exit 0
fi
# The district economy (Xihu at 1:100), as a province run would be.
scenario="$source_dir/scenarios/xihu-small.yaml"
set_args=(--steps 6)
"$cpsim" run "$scenario" -o run-one.h5 --threads 1 --quiet "${set_args[@]}" || fail "one-process run"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Under AddressSanitizer the ranks run without LeakSanitizer, as in tests/mpi
# (Open MPI keeps allocations in components it has unloaded by exit).
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=0"
ranks=2
run=$(sbatch --parsable --export=ALL --ntasks=$ranks --cpus-per-task=1 --mem-per-cpu=500M \
  --time=00:10:00 --output=run.out "$source_dir/examples/slurm/province-run.sh" "$scenario" \
  run-ranks.h5 "${set_args[@]}") || fail "sbatch province-run.sh"
run=${run%%;*}
wait_job "$run" 300 || fail "the srun job did not complete"
$python -c "
import sys
sys.path.insert(0, '$source_dir/tests/python')
import h5py, study_files
with h5py.File('run-ranks.h5', 'r') as f:
    ranks = int(f.attrs['ranks'])
if ranks != $ranks:
    sys.exit(f'run-ranks.h5: ranks {ranks}, expected $ranks (srun did not start MPI)')
diffs = study_files.differences('run-one.h5', 'run-ranks.h5')
for d in diffs: print(d, file=sys.stderr)
sys.exit(1 if diffs else 0)" || fail "the srun run differs from the one-process run"
echo "run: srun over $ranks ranks equals the one-process run"

# --- 3. a requeued run goes on from its checkpoint (province-run.sh, --requeue).
# 24 months, a checkpoint after month 12. The first attempt runs to the end;
# its file is then deleted, as if the attempt had been killed after the
# checkpoint, and the job is requeued: the second attempt must go on from
# month 12 to the file of the run that never stopped.
"$cpsim" run "$scenario" -o requeue-one.h5 --threads 1 --quiet --steps 24 || fail "one-process run"
requeued=$(sbatch --parsable --export=ALL,CPSIM_CHECKPOINT_EVERY=12 --ntasks=$ranks \
  --cpus-per-task=1 --mem-per-cpu=500M --time=00:10:00 --output=requeue.out \
  "$source_dir/examples/slurm/province-run.sh" "$scenario" requeue.h5 --steps 24) ||
  fail "sbatch province-run.sh (requeue)"
requeued=${requeued%%;*}
wait_job "$requeued" 300 || fail "the first attempt did not complete"
[ -f requeue.ckpt.h5 ] || fail "the first attempt left no requeue.ckpt.h5"
rm -f requeue.h5
scontrol requeue "$requeued" || fail "scontrol requeue"
sleep 1
wait_job "$requeued" 400 || fail "the requeued attempt did not complete"
grep -q "going on from requeue.ckpt.h5" requeue.out || fail "the requeued attempt did not restart"
$python -c "
import sys
sys.path.insert(0, '$source_dir/tests/python')
import study_files
diffs = study_files.differences('requeue-one.h5', 'requeue.h5')
for d in diffs: print(d, file=sys.stderr)
sys.exit(1 if diffs else 0)" || fail "the requeued run differs from the one-process run"
echo "requeue: the requeued job went on from its checkpoint to the one-process file"
echo "PASS"
