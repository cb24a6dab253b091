#!/usr/bin/env bash
# Compares our SGEMM (Vae.Benchmarks gemm-quick) with OpenBLAS via PyTorch (benchmarks/reference/gemm_torch.py)
# at the canonical VAE shapes and 1024³, with 1 and 2 threads, alternating the two in the same run.
#
# Usage: benchmarks/gemm-compare.sh [REPS] [RUNS]
#   REPS  alternating rounds per thread count (default 3); the table shows the median over rounds
#   RUNS  timed calls per shape per round (default 30; each round reports the median call)
# Environment: FORCE_CORETYPE (default SkylakeX): also time OpenBLAS with OPENBLAS_CORETYPE set to this, because
#   OpenBLAS 0.3.21 (Debian 12) does not recognise recent Xeons and falls back to its SSE3 "Prescott" kernels;
#   set FORCE_CORETYPE=none to skip. THREADS (default "1 2"). CLOCK=thread: time with each process's own thread
#   CPU time instead of wall time (only meaningful with THREADS=1; robust when other jobs share the cores).
set -euo pipefail
cd "$(dirname "$0")/.."
REPS=${1:-3}
RUNS=${2:-30}
FORCE_CORETYPE=${FORCE_CORETYPE:-SkylakeX}
THREADS=${THREADS:-"1 2"}
CLOCK=${CLOCK:-wall}
PY=/usr/bin/python3
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

# (a) PyTorch + OpenBLAS (Debian packages). Another apt run may be in progress: wait for it first.
if ! $PY -c 'import torch' 2>/dev/null; then
  if [ -f /tmp/apt-torch.log ]; then
    echo "waiting for the background apt run (/tmp/apt-torch.log) ..." >&2
    for _ in $(seq 1 180); do tail -n 1 /tmp/apt-torch.log | grep -q "apt done" && break; sleep 10; done
  fi
  if ! $PY -c 'import torch' 2>/dev/null; then
    SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
    $SUDO apt-get update -q && $SUDO apt-get install -y -q python3-torch libopenblas0-pthread
  fi
fi

# (b) Build once, then alternate ours / OpenBLAS (default) / OpenBLAS (forced core type) per round.
dotnet build benchmarks/Vae.Benchmarks -c Release -v q -nologo >/dev/null
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
OURS=(dotnet run -c Release --no-build --project benchmarks/Vae.Benchmarks -- gemm-quick)
log=$(mktemp)
for t in $THREADS; do
  for r in $(seq 1 "$REPS"); do
    echo "threads $t round $r/$REPS ..." >&2
    "${OURS[@]}" --threads "$t" --runs "$RUNS" --clock "$CLOCK" | sed "s/^GEMM/OURS/" >>"$log"
    $PY benchmarks/reference/gemm_torch.py --threads "$t" --runs "$RUNS" --clock "$CLOCK" | sed "s/^TORCH/BLAS0/; s/^BLAS /CORE0 /" >>"$log"
    if [ "$FORCE_CORETYPE" != "none" ]; then
      OPENBLAS_CORETYPE=$FORCE_CORETYPE $PY benchmarks/reference/gemm_torch.py --threads "$t" --runs "$RUNS" --clock "$CLOCK" \
        | sed "s/^TORCH/BLAS1/; s/^BLAS /CORE1 /" >>"$log"
    fi
  done
done

# (c) Table: median over rounds of each round's median GFLOP/s.
echo
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; $(dotnet --version | sed 's/^/.NET SDK /')"
echo "command: FORCE_CORETYPE=$FORCE_CORETYPE THREADS=\"$THREADS\" CLOCK=$CLOCK benchmarks/gemm-compare.sh $REPS $RUNS"
echo "load average before: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY - "$log" <<'PY'
import statistics, sys
rows, order, core, single = {}, [], {}, set()
for line in open(sys.argv[1]):
    f = line.split()
    if not f:
        continue
    if f[0] in ("CORE0", "CORE1"):
        core[f[0][-1]] = f[1]
        continue
    if f[0] not in ("OURS", "BLAS0", "BLAS1"):
        continue
    key = (f[1], int(f[2]))
    if key not in rows:
        rows[key] = {}
        order.append(key)
    rows[key].setdefault(f[0], []).append(float(f[3]))
    rows[key].setdefault(f[0] + "best", []).append(float(f[f.index("best") + 1]))
    if f[0] == "OURS" and "used" in f and int(f[f.index("used") + 1]) < key[1]:
        single.add(key)
med = lambda xs: statistics.median(xs) if xs else float("nan")
h1 = f"OpenBLAS {core.get('0', '?')}"
h2 = f"OpenBLAS {core.get('1', '?')}"
has1 = any("BLAS1" in v for v in rows.values())
print()
head = f"| shape (op m×k×n) | threads | ours GFLOP/s | {h1} GFLOP/s | ratio |"
sep = "|---|---:|---:|---:|---:|"
if has1:
    head += f" {h2} GFLOP/s | ratio | best-call ratio |"
    sep += "---:|---:|---:|"
print(head)
print(sep)
for key in sorted(order, key=lambda k: (k[1], order.index(k))):
    v = rows[key]
    o, b0 = med(v.get("OURS", [])), med(v.get("BLAS0", []))
    mark = "¹" if key in single else ""
    line = f"| {key[0]} | {key[1]} | {o:.1f}{mark} | {b0:.1f} | {o / b0:.2f} |"
    if has1:
        b1 = med(v.get("BLAS1", []))
        ob, b1b = max(v.get("OURSbest", [float("nan")])), max(v.get("BLAS1best", [float("nan")]))
        line += f" {b1:.1f} | {o / b1:.2f} | {ob / b1b:.2f} |"
    print(line)
print()
print("GFLOP/s: median over rounds of each round's median call. best-call ratio: fastest single call of ours over")
print("fastest single call of OpenBLAS (forced core type) across all rounds: least affected by other load.")
if single:
    print("¹ below our parallel threshold (m·n·k < 2·10⁶): ours ran on 1 thread; OpenBLAS chooses for itself too.")
PY
cp "$log" /tmp/gemm-compare-last.log && rm -f "$log"
