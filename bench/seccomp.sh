#!/usr/bin/env bash
# bench/seccomp.sh: time `cofferdam seccomp record` against `strace -f -o /dev/null` on
# syscall-heavy workloads, side by side in one run, with the untraced command as the floor.
#
# Both tracers follow every process and thread. strace stops each syscall twice (entry and exit)
# and decodes it; cofferdam installs a seccomp filter that returns SECCOMP_RET_TRACE, so each
# syscall is one PTRACE_EVENT_SECCOMP stop, and it only sets a bit per syscall number.
#
# Each stop wakes the tracer, then the tracee. When they run on different CPUs every wake-up is an
# inter-processor interrupt, which virtual machines make expensive; `record --one-cpu` keeps the
# command on the tracer's CPU. So the table also has both tracers confined to one CPU (`taskset -c
# 0 strace -f` against `record --one-cpu`), which compares like with like.
#
# Workloads (each run as an argument vector, its output to /dev/null):
#   find    find $FIND_ROOT -type f                            (getdents64, newfstatat, openat, close)
#   writes  dd if=/dev/zero of=/dev/null bs=1 count=$WRITES    (one read and one write per byte)
#   forks   sh -c 'i=0; while [ $i -lt $FORKS ]; do /bin/true; i=$((i+1)); done'   (fork + exec)
#
# Every figure is the median of $RUNS runs. Results go to stdout and to bench/out/seccomp.md.
# strace is needed: `apt-get install -y strace` (INSTALL=1 runs that for you). Not part of CI.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- knobs (environment) ------------------------------------------------------------------------
RUNS=${RUNS:-5}                   # timed runs per command (median is reported)
WRITES=${WRITES:-50000}           # bytes for the `writes` workload (two syscalls each)
FORKS=${FORKS:-200}               # processes for the `forks` workload
FIND_ROOT=${FIND_ROOT:-/usr/lib}  # tree for the `find` workload
ONLY=${ONLY:-find,writes,forks}   # comma-separated workloads to run
OUT=${OUT:-$ROOT/bench/out}
COFFERDAM=${COFFERDAM:-$ROOT/target/release/cofferdam}
SKIP_BUILD=${SKIP_BUILD:-0}       # 1: use the existing $COFFERDAM without `cargo build --release`
INSTALL=${INSTALL:-0}             # 1: `apt-get install -y strace` when strace is missing

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/seccomp.sh: error: %s\n' "$*" >&2; exit 2; }

command -v python3 >/dev/null || die "python3 is required (timing and medians)"
command -v taskset >/dev/null || die "taskset (util-linux) is required for the one-CPU columns"
if ! command -v strace >/dev/null; then
    if [[ $INSTALL == 1 ]]; then
        log "installing strace (apt-get install -y strace)"
        sudo=""
        [[ $(id -u) -eq 0 ]] || sudo=sudo
        $sudo apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends strace >/dev/null
    else
        die "strace is not installed: run \`apt-get install -y strace\` (or INSTALL=1 $0)"
    fi
fi

if [[ $SKIP_BUILD != 1 ]]; then
    log "building cofferdam (release)"
    cargo build --release --quiet -p cofferdam
fi
[[ -x $COFFERDAM ]] || die "no cofferdam binary at $COFFERDAM"

# Tracing must work here, or every figure below would be an error message's.
if ! probe=$("$COFFERDAM" seccomp record -o /dev/null -- true 2>&1); then
    die "cofferdam cannot trace here: $probe"
fi
mkdir -p "$OUT"

# median_ms CMD ARGS...: runs the command $RUNS times (output discarded) and prints the median
# wall-clock time in milliseconds. A failing run aborts the benchmark.
median_ms() {
    python3 - "$RUNS" "$@" <<'PY'
import subprocess, sys, time, statistics
runs, argv = int(sys.argv[1]), sys.argv[2:]
times = []
for _ in range(runs):
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    times.append((time.perf_counter() - start) * 1000)
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} exited with {result.returncode}")
print(f"{statistics.median(times):.1f}")
PY
}

# syscalls CMD ARGS...: how many syscalls the command makes, counted by strace -f -c.
syscalls() {
    strace -f -c -o "$OUT/strace-count.txt" "$@" >/dev/null 2>&1 || true
    awk '$NF == "total" {print $4; exit}' "$OUT/strace-count.txt"
}

RESULTS="$OUT/seccomp.md"
{
    echo "# cofferdam seccomp record vs strace -f"
    echo
    echo "$(uname -srm), $(nproc) CPUs, strace $(strace -V | head -1 | awk '{print $NF}'), median of $RUNS runs."
    echo
    echo "Times in ms; \"× faster\" is strace's time over cofferdam's; overhead is over the untraced run."
    echo
    echo "| workload | syscalls | untraced | record | strace -f | × faster | record --one-cpu | strace -f, one CPU | × faster (one CPU) | overhead record / strace | overhead one CPU record / strace |"
    echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
} >"$RESULTS"

IFS=, read -r -a WANTED <<<"$ONLY"
for name in "${WANTED[@]}"; do
    case $name in
        find) argv=(find "$FIND_ROOT" -type f) ;;
        writes) argv=(dd if=/dev/zero of=/dev/null bs=1 count="$WRITES" status=none) ;;
        forks) argv=(sh -c "i=0; while [ \$i -lt $FORKS ]; do /bin/true; i=\$((i+1)); done") ;;
        *) die "unknown workload '$name' (find, writes, forks)" ;;
    esac
    log "$name: ${argv[*]}"
    count=$(syscalls "${argv[@]}")
    plain=$(median_ms "${argv[@]}")
    record=$(median_ms "$COFFERDAM" seccomp record -o /dev/null -- "${argv[@]}")
    strace_ms=$(median_ms strace -f -o /dev/null "${argv[@]}")
    record_one=$(median_ms "$COFFERDAM" seccomp record --one-cpu -o /dev/null -- "${argv[@]}")
    strace_one=$(median_ms taskset -c 0 strace -f -o /dev/null "${argv[@]}")
    python3 - "$name" "$count" "$plain" "$record" "$strace_ms" "$record_one" "$strace_one" >>"$RESULTS" <<'PY'
import sys
name, count = sys.argv[1], sys.argv[2]
plain, record, strace, record_one, strace_one = map(float, sys.argv[3:])
print(f"| {name} | {count} | {plain:.0f} | {record:.0f} | {strace:.0f} | {strace / record:.2f} "
      f"| {record_one:.0f} | {strace_one:.0f} | {strace_one / record_one:.2f} "
      f"| {record / plain:.1f} / {strace / plain:.1f} | {record_one / plain:.1f} / {strace_one / plain:.1f} |")
PY
done
rm -f "$OUT/strace-count.txt"

cat "$RESULTS"
log "written to $RESULTS"
