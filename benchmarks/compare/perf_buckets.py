#!/usr/bin/env python3
"""Buckets the samples of a `perf record -g` profile of Vae.Compare by where the time goes (see PROFILE.md).

Usage:
    DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 perf record -F 999 -g -o perf.data \\
        benchmarks/Vae.Compare/bin/Release/net10.0/Vae.Compare --model vae --skip-test
    perf script -i perf.data -F tid,ip,sym,dso > perf.txt
    benchmarks/compare/perf_buckets.py perf.txt [--tid-only-main]

Self time is attributed to the leaf frame; "inclusive" lines count samples whose stack contains a frame.
"""

import re
import sys
from collections import Counter

SELF_BUCKETS = [  # (bucket, regex on "symbol (dso)") — first match wins
    ("GEMM (packing, micro-kernels, transposes)", r"Gemm"),
    ("conv im2col / col2im", r"Im2Col|Conv2dKernel|Col2Im"),
    ("Adam update kernel", r"OptimKernels|AdamUpdate"),
    ("elementwise / activation / reduction math", r"Lanes::|TensorPrimitives|VectorMath|Elementwise|Reduction|"
     r"ActivationOps|UnaryOps|TranscendentalOps|ArithmeticOps|BinaryMathOps|LaneOps|MultiplyAddEstimate|"
     r"Vector512|Vector256|SpanHelpers::Fill|LossKernels|Pool2dKernel|NearestResize|PermuteCopy|AxisCopy|IndexCopy|"
     r"__sincos|libm\.so"),
    ("memory copy / clear (memmove, memset)", r"[Mm]emmove|memcpy|memset|SpanHelpers::Clear|Buffer::"),
    ("kernel: page faults / fresh pages (allocation of new memory)", r"^\[k\].*(page|pte|folio|memcg|lruvec|vma|mm_|"
     r"_mm|alloc|rmqueue|zone|charge|rcu|munmap|madvise|mmap|list_del|clear_page|unmap|tlb|irqentry|lock)"),
    ("kernel: scheduling / futex / yield", r"^\[k\].*(sched|switch|futex|yield|wake|schedule|idle|hrtimer|timer)"),
    ("kernel: other", r"^\[k\]"),
    ("JIT compiler (libclrjit)", r"libclrjit"),
    ("runtime native: GC, allocation helpers, type system (libcoreclr)", r"libcoreclr"),
    ("data loading (gzip, sha256, IDX)", r"Compression|libcrypto|libz|ByteConversion|IdxReader|Mnist|Inflate|Deflate"),
    ("thread pool / Parallel.For / sync", r"Threading|Parallel|ThreadPool|Semaphore|Monitor|pthread|Interlocked|sched_yield"),
    ("autograd engine / graph bookkeeping", r"Vae\.Core\.Autograd|Vae\.Core\.Node|Engine::|GradFn|SetGradFn"),
    ("tensor bookkeeping (shapes, creation, dispatch)", r"\[Vae\.Core\]"),
    ("distributions / models managed code", r"\[Vae\.Distributions\]|\[Vae\.Models\]"),
    ("other managed (CoreLib, collections, LINQ)", r"System\.|\[System|Vae\.Compare"),
    ("libc / other native", r"libc\.so|ld-linux|libstdc|libgcc|malloc|free|strcmp|__tls"),
]

INCLUSIVE = [
    ("backward pass (Autograd engine)", r"Vae\.Core\.Autograd\.Engine|Tensor::Backward"),
    ("Adam.Step", r"Adam::Step"),
    ("Linear / MatMul ops", r"Tensor::Linear|Tensor::MatMul|LinearOp"),
    ("Parallel.For workers", r"Parallel|ThreadPool"),
]


def parse(path):
    samples, stack, tid = [], [], None
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            if not line.strip():
                if stack:
                    samples.append((tid, stack))
                stack, tid = [], None
                continue
            if not line.startswith("\t"):
                if stack:
                    samples.append((tid, stack))
                stack = []
                m = re.match(r"\s*(\d+)", line)
                tid = m.group(1) if m else None
                continue
            m = re.match(r"\s*([0-9a-f]+)\s+(.*?)\s+\((.*)\)\s*$", line)
            if m:
                sym, dso = m.group(2), m.group(3)
                kernel = "kernel.kallsyms" in dso
                stack.append(("[k] " if kernel else "") + f"{sym} ({dso})")
    if stack:
        samples.append((tid, stack))
    return samples


def bucket(frame):
    for name, rx in SELF_BUCKETS:
        if re.search(rx, frame):
            return name
    return "unresolved / other"


def main():
    path = sys.argv[1]
    samples = parse(path)
    if "--tid-only-main" in sys.argv:
        main_tid = Counter(t for t, _ in samples).most_common(1)[0][0]
        samples = [s for s in samples if s[0] == main_tid]
    total = len(samples)
    self_counts = Counter(bucket(stack[0]) for _, stack in samples)
    threads = Counter(t for t, _ in samples)
    print(f"{total} samples, {len(threads)} threads (top: " +
          ", ".join(f"{t}: {100 * c / total:.1f}%" for t, c in threads.most_common(4)) + ")")
    print("\nself time by bucket:")
    for name, c in self_counts.most_common():
        print(f"  {100 * c / total:5.1f}%  {name}")
    print("\ninclusive:")
    for name, rx in INCLUSIVE:
        c = sum(1 for _, st in samples if any(re.search(rx, fr) for fr in st))
        print(f"  {100 * c / total:5.1f}%  {name}")
    print("\ntop leaf symbols:")
    leaf = Counter(stack[0] for _, stack in samples)
    for sym, c in leaf.most_common(25):
        print(f"  {100 * c / total:5.1f}%  {sym[:150]}")


if __name__ == "__main__":
    main()
