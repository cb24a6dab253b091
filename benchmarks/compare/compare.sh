#!/usr/bin/env bash
# Side-by-side training speed: Vae.NET (benchmarks/Vae.Compare) vs PyTorch CPU (torch_reference.py), issue 7.
#
#   benchmarks/compare/compare.sh            # from the repository root; ~10-20 minutes on 2 cores
#
# Builds Release, installs python3-torch + libopenblas0-pthread with apt-get when `import torch` fails, then for each
# model of ARCHITECTURES.md runs ours and PyTorch alternately (ours, torch 1 thread, ours, torch 2 threads with
# OMP_WAIT_POLICY=PASSIVE; REPS rounds), seed 1, one epoch each (long ones capped with --max-batches and scaled to a
# full epoch), plus our canonical VAE with --threads 1. Prints the table and writes benchmarks/compare/RESULTS.md;
# every run's JSON goes to benchmarks/compare/results/compare-<date>/ (or $OUT).
# Environment: REPS (rounds, default 1), OUT (results folder), MODELS (space-separated subset of: vae
# iwae-paper-vae-b20 iwae-paper-vae-b100 conv-vae iwae-k50), EXTRA_ARGS (appended to every run of both sides, e.g.
# "--max-batches 5 --test-limit 200" for a smoke test), VAE_DATA_DIR (MNIST folder; default: found by walking up).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cd "$root"
started="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
out="${OUT:-$here/results/compare-$(date -u +%Y-%m-%d-%H%M)}"
reps="${REPS:-1}"
models="${MODELS:-vae iwae-paper-vae-b20 iwae-paper-vae-b100 conv-vae iwae-k50}"
py=/usr/bin/python3
mkdir -p "$out"

echo "== building Vae.Compare (Release)"
dotnet build "$root/benchmarks/Vae.Compare/Vae.Compare.csproj" -c Release --nologo -v q -clp:ErrorsOnly
ours_bin="$root/benchmarks/Vae.Compare/bin/Release/net10.0/Vae.Compare"

if ! "$py" -c 'import torch' 2>/dev/null || ! dpkg -s libopenblas0-pthread >/dev/null 2>&1; then
    echo "== installing python3-torch and libopenblas0-pthread"
    apt_get="apt-get"
    [ "$(id -u)" -ne 0 ] && apt_get="sudo apt-get"
    $apt_get update -q
    DEBIAN_FRONTEND=noninteractive $apt_get install -y -q python3-torch libopenblas0-pthread
fi

peak_rss() {  # peak_rss <file> <command...>: runs the command, writes its peak RSS (KiB, getrusage) to <file>
    local file="$1"; shift
    "$py" -c 'import resource, subprocess, sys
rc = subprocess.run(sys.argv[2:]).returncode
open(sys.argv[1], "w").write(str(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss) + "\n")
sys.exit(rc)' "$file" "$@"
}

ours() {  # ours <file> <args...>
    local file="$1"; shift
    echo "-- ours   $file: $*"
    peak_rss "$out/$file.maxrss_kb" "$ours_bin" --seed 1 --json "$out/$file.json" "$@"
}

torch_run() {  # torch_run <threads> <passive 0|1> <file> <args...>
    local t="$1" passive="$2" file="$3"; shift 3
    local extra=()
    [ "$passive" = 1 ] && extra=(OMP_WAIT_POLICY=PASSIVE)
    echo "-- torch  $file (threads $t${extra[*]:+, ${extra[*]}}): $*"
    peak_rss "$out/$file.maxrss_kb" env "${extra[@]}" OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" MKL_NUM_THREADS="$t" \
        "$py" "$here/torch_reference.py" --threads "$t" --seed 1 --json "$out/$file.json" "$@"
}

case_args() {  # the flags of one comparison case, identical for both sides
    case "$1" in
        vae) echo "--model vae --epochs 1" ;;
        iwae-paper-vae-b20) echo "--model iwae-paper-vae --batch-size 20 --epochs 1 --max-batches 1000" ;;
        iwae-paper-vae-b100) echo "--model iwae-paper-vae --batch-size 100 --epochs 1" ;;
        conv-vae) echo "--model conv-vae --train-limit 10000 --test-limit 1000 --epochs 1" ;;
        iwae-k50) echo "--model iwae --batch-size 20 --epochs 1 --max-batches 100 --test-limit 1000" ;;
        *) echo "unknown case $1" >&2; return 1 ;;
    esac
}

for m in $models; do
    read -r -a a <<< "$(case_args "$m") ${EXTRA_ARGS:-}"
    for r in $(seq 1 "$reps"); do
        ours "$m-ours-r$((2 * r - 1))" "${a[@]}"
        torch_run 1 0 "$m-torch-t1-r$r" "${a[@]}"
        ours "$m-ours-r$((2 * r))" "${a[@]}"
        torch_run 2 1 "$m-torch-t2p-r$r" "${a[@]}"
    done
    if [ "$m" = vae ]; then
        ours "vae-ours-threads1-r1" "${a[@]}" --threads 1
    fi
done

finished="$(date -u +%Y-%m-%dT%H:%M:%SZ)"
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"
echo
"$py" "$here/summarize.py" "$out" --markdown "$here/RESULTS.md" --started "$started" --finished "$finished" \
    --load "$load_start / $load_end" \
    --command "benchmarks/compare/compare.sh (REPS=$reps MODELS=\"$models\" EXTRA_ARGS=\"${EXTRA_ARGS:-}\"; dotnet $(dotnet --version), torch $("$py" -c 'import torch; print(torch.__version__)'))"
echo
echo "wrote $here/RESULTS.md and $out/"
