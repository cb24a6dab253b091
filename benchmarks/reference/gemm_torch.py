#!/usr/bin/env python3
"""Times torch.matmul (OpenBLAS sgemm underneath) at the GEMM shapes of benchmarks/Vae.Benchmarks (GemmShape.cs).

Usage: gemm_torch.py --threads N [--runs 30] [--dtype float32|float64] [--shape SUBSTRING] [--clock wall|thread]

The thread count is applied to OpenBLAS (OPENBLAS_NUM_THREADS, set before torch is imported) and to torch
(torch.set_num_threads). Transposed operands are passed as .t() views of tensors stored in the transposed layout,
so BLAS receives trans flags exactly like our Gemm.Run does (no copies). Each shape: ~300 ms warm-up, then `runs`
timed calls into a preallocated output; prints the median (and best) as GFLOP/s, one line per shape:
    TORCH <label> <threads> <median_gflops> <median_us> best <best_gflops>
plus one line `BLAS <corename>` naming the OpenBLAS kernel family in use (honours OPENBLAS_CORETYPE).
"""
import argparse
import ctypes
import os
import sys
import time

# (role, transA, transB, m, k, n): keep in sync with GemmShape.Canonical (benchmarks/Vae.Benchmarks/GemmShape.cs).
SHAPES = [
    ("enc1.fwd", False, True, 128, 784, 400),
    ("dec2.fwd", False, True, 128, 400, 784),
    ("heads.fwd", False, True, 128, 400, 40),
    ("dec1.fwd", False, True, 128, 20, 400),
    ("enc1.dW", True, False, 400, 128, 784),
    ("dec2.dW", True, False, 784, 128, 400),
    ("heads.dW", True, False, 40, 128, 400),
    ("dec2.dX", False, False, 128, 784, 400),
    ("heads.dX", False, False, 128, 40, 400),
    ("dec1.dX", False, False, 128, 400, 20),
    ("square", False, False, 1024, 1024, 1024),
]


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--threads", type=int, required=True)
    ap.add_argument("--runs", type=int, default=30)
    ap.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    ap.add_argument("--shape", default="")
    ap.add_argument("--clock", default="wall", choices=["wall", "thread"],
                    help="thread: this thread's CPU time (1 thread only; immune to time slices lost to other processes)")
    args = ap.parse_args()

    os.environ["OPENBLAS_NUM_THREADS"] = str(args.threads)
    os.environ["OMP_NUM_THREADS"] = str(args.threads)
    import torch  # noqa: E402  (after the thread variables are set)

    torch.set_num_threads(args.threads)
    dtype = getattr(torch, args.dtype)
    print(f"BLAS {blas_core_name()}", flush=True)
    gen = torch.Generator().manual_seed(1)
    for role, ta, tb, m, k, n in SHAPES:
        label = f"{role}:{'T' if ta else 'N'}{'T' if tb else 'N'}_{m}x{k}x{n}"
        if args.shape and args.shape not in label:
            continue
        a = torch.rand((k, m) if ta else (m, k), generator=gen, dtype=dtype) - 0.5
        b = torch.rand((n, k) if tb else (k, n), generator=gen, dtype=dtype) - 0.5
        a_op = a.t() if ta else a
        b_op = b.t() if tb else b
        c = torch.empty((m, n), dtype=dtype)

        def once():
            torch.matmul(a_op, b_op, out=c)

        t_end = time.perf_counter() + 0.3
        warm = 0
        while time.perf_counter() < t_end or warm < 3:
            once()
            warm += 1
        clock = time.thread_time if args.clock == "thread" else time.perf_counter
        times = []
        for _ in range(args.runs):
            t0 = clock()
            once()
            times.append(clock() - t0)
        times.sort()
        med, best = times[len(times) // 2], times[0]
        flops = 2.0 * m * n * k
        print(f"TORCH {label} {args.threads} {flops / med / 1e9:.2f} {med * 1e6:.1f} best {flops / best / 1e9:.2f}", flush=True)
    return 0


def blas_core_name() -> str:
    """The OpenBLAS kernel family (e.g. SkylakeX, Haswell, Prescott) of the BLAS torch is linked against."""
    for lib in ("libblas.so.3", "libopenblas.so.0"):
        try:
            fn = ctypes.CDLL(lib).openblas_get_corename
            fn.restype = ctypes.c_char_p
            return fn().decode()
        except (OSError, AttributeError):
            continue
    return "unknown (not OpenBLAS?)"


if __name__ == "__main__":
    sys.exit(main())
