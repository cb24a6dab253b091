#!/usr/bin/env bash
# Runs the PyTorch side of the speed comparison (see TORCH_BASELINE.md).
# Usage: benchmarks/compare/run_torch_baseline.sh [phase ...]
#   phases: t1 (every model, 1 thread), t2 (every model, 2 threads), threads (canonical VAE,
#   alternating 1/2 threads), passive (2 threads with OMP_WAIT_POLICY=PASSIVE), passive3
#   (alternating 1 / 2 passive / 2 default), best (full VAE epoch, 1 vs 2 passive); default: all.
# Results: one JSON per run in $OUT (default benchmarks/compare/results/<date>);
# RESUME=1 skips runs whose JSON already exists.
# Runs longer than ~2 minutes are capped with --max-batches (compare ms/batch then).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${OUT:-$here/results/$(date +%Y-%m-%d)}"
mkdir -p "$out"
py=/usr/bin/python3

run() {  # run <threads> <name> <args...>; extra environment may be passed via EXTRA_ENV
    local t="$1" name="$2"
    shift 2
    if [ -n "${RESUME:-}" ] && [ -f "$out/$name-t$t.json" ]; then echo "== $name (threads $t): done"; return; fi
    echo "== $name (threads $t) $*"
    env ${EXTRA_ENV:-} OPENBLAS_NUM_THREADS="$t" OMP_NUM_THREADS="$t" MKL_NUM_THREADS="$t" \
        "$py" "$here/torch_reference.py" --threads "$t" --seed 1 --json "$out/$name-t$t.json" "$@"
}

phase_t1() {
    run 1 vae --model vae --epochs 1
    run 1 iwae-paper-vae-b20 --model iwae-paper-vae --batch-size 20 --epochs 1
    run 1 iwae-paper-vae-b100 --model iwae-paper-vae --batch-size 100 --epochs 1
    run 1 iwae-k50-b20 --model iwae --batch-size 20 --max-batches 200 --test-limit 1000 --epochs 1
    run 1 conv-vae-notebook --model conv-vae --train-limit 10000 --test-limit 1000 --epochs 1
}

phase_t2() {  # two threads are several times slower here under load: fewer batches
    run 2 vae --model vae --epochs 1
    run 2 iwae-paper-vae-b20 --model iwae-paper-vae --batch-size 20 --max-batches 600 --epochs 1
    run 2 iwae-paper-vae-b100 --model iwae-paper-vae --batch-size 100 --max-batches 200 --epochs 1
    run 2 iwae-k50-b20 --model iwae --batch-size 20 --max-batches 50 --test-limit 1000 --epochs 1
    run 2 conv-vae-notebook --model conv-vae --train-limit 10000 --test-limit 1000 --epochs 1
}

phase_threads() {  # does torch.set_num_threads(2) beat 1 for the canonical VAE? alternate
    for rep in 1 2; do
        for t in 1 2; do
            run "$t" "vae-threads-rep$rep" --model vae --max-batches 100 --skip-test
        done
    done
}

phase_passive() {  # same, with OpenMP threads that sleep instead of spinning while waiting
    EXTRA_ENV="OMP_WAIT_POLICY=PASSIVE" run 2 vae-passive --model vae --max-batches 100 --skip-test
}

phase_passive3() {  # alternate 1 thread / 2 passive / 2 default, twice
    for rep in 1 2; do
        run 1 "vae-p3-rep$rep" --model vae --max-batches 100 --skip-test
        EXTRA_ENV="OMP_WAIT_POLICY=PASSIVE" run 2 "vae-p3-passive-rep$rep" --model vae --max-batches 100 --skip-test
        run 2 "vae-p3-rep$rep" --model vae --max-batches 100 --skip-test
    done
}

phase_best() {  # full canonical-VAE epoch: 1 thread vs 2 passive threads
    run 1 vae-epoch-again --model vae --epochs 1
    EXTRA_ENV="OMP_WAIT_POLICY=PASSIVE" run 2 vae-epoch-passive --model vae --epochs 1
}

phases=("$@")
[ ${#phases[@]} -eq 0 ] && phases=(t1 t2 threads passive passive3 best)
for p in "${phases[@]}"; do "phase_$p"; done
