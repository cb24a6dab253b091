#!/usr/bin/env python3
"""Summarises a compare.sh run: reads the JSON files of one results folder and prints (and writes) the table.

Usage: summarize.py RESULTS_DIR [--markdown OUT.md] [--command "..."] [--started ISO] [--finished ISO]

File names (written by compare.sh): <case>-ours-r<rep>.json, <case>-torch-t1-r<rep>.json,
<case>-torch-t2p-r<rep>.json (2 threads, OMP_WAIT_POLICY=PASSIVE) and vae-ours-threads1-r<rep>.json.
Capped runs (--max-batches) are scaled to a full epoch: s/epoch = train_seconds * full_batches / batches.
"""

import argparse
import glob
import json
import math
import os
import platform
import re
import subprocess

# case -> (label, target ratio ours/torch or None)
CASES = {
    "vae": ("vae (canonical, 784-400-20)", 0.35),
    "iwae-paper-vae-b20": ("iwae-paper-vae (784-200-200-50, tanh)", None),
    "iwae-paper-vae-b100": ("iwae-paper-vae (784-200-200-50, tanh)", 0.5),
    "conv-vae": ("conv-vae (h-vae CNN, z=64; notebook epoch 10k images)", 1.0),
    "iwae-k50": ("iwae k=50 (784-200-200-50, tanh)", 0.5),
}


def load(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def epoch_seconds(run):
    """Full-epoch training seconds (scaled when capped) and whether it was scaled."""
    a = run["args"]
    n = a.get("train_limit") or 60000
    full = math.ceil(n / a["batch_size"])
    e = run["epochs"][0]
    return e["train_seconds"] * full / e["train_batches"], e["train_batches"] < full, full


def fmt(x, digits=2):
    return "–" if x is None else f"{x:.{digits}f}"


def summarise(folder):
    rows, details = [], []
    for case, (label, target) in CASES.items():
        ours = sorted(glob.glob(os.path.join(folder, f"{case}-ours-r*.json")))
        torch1 = sorted(glob.glob(os.path.join(folder, f"{case}-torch-t1-r*.json")))
        torch2 = sorted(glob.glob(os.path.join(folder, f"{case}-torch-t2p-r*.json")))
        if not ours or not (torch1 or torch2):
            continue
        o = [(epoch_seconds(load(p)), load(p)) for p in ours]
        t = [(epoch_seconds(load(p)), load(p), "1 thread") for p in torch1] + \
            [(epoch_seconds(load(p)), load(p), "2 threads passive") for p in torch2]
        best_o = min(o, key=lambda r: r[0][0])
        best_t = min(t, key=lambda r: r[0][0])
        (os_, oscaled, full), orun = best_o
        (ts, tscaled, _), trun, tconf = best_t
        ratio = os_ / ts
        oe, te = orun["epochs"][0], trun["epochs"][0]
        rows.append({
            "case": case, "label": label, "batch": orun["args"]["batch_size"], "k": orun["args"]["k"],
            "batches": f'{oe["train_batches"]}/{full}', "scaled": oscaled or tscaled,
            "ours": os_, "torch": ts, "torch_conf": tconf, "ratio": ratio, "target": target,
            "ours_train": oe["train_loss"], "torch_train": te["train_loss"],
            "ours_test": oe.get("test_loss"), "torch_test": te.get("test_loss"),
            "ours_ms": oe["batch_ms_median"], "torch_ms": te["batch_ms_median"],
            "cpu_ratio": (oe["train_cpu_seconds"] / te["train_cpu_seconds"]
                          if oe.get("train_cpu_seconds") and te.get("train_cpu_seconds") else None),
        })
        for (s, _, _), run in o:
            details.append((case, "ours", f'{run["processor_count"]} cores', run, s))
        for (s, _, _), run, conf in t:
            details.append((case, "torch", conf, run, s))
    return rows, details


def peak_rss_mib(json_path):
    try:
        with open(json_path[:-5] + ".maxrss_kb", encoding="utf-8") as f:
            return int(f.read().strip()) / 1024
    except (OSError, ValueError):
        return None


def rss_rows(folder):
    """Peak RSS of every process (getrusage of the child, same method for both sides), per case and side."""
    out = []
    for case in CASES:
        for side, pattern in (("ours", f"{case}-ours-r*.json"), ("torch 1 thread", f"{case}-torch-t1-r*.json"),
                              ("torch 2 threads passive", f"{case}-torch-t2p-r*.json")):
            vals = [v for v in (peak_rss_mib(p) for p in sorted(glob.glob(os.path.join(folder, pattern)))) if v]
            if vals:
                out.append((case, side, max(vals)))
    return out


def threads_rows(folder):
    out = []
    for name, conf in (("vae-ours-threads1-r*.json", "1 thread (--threads 1)"), ("vae-ours-r*.json", "default (2 cores)")):
        for p in sorted(glob.glob(os.path.join(folder, name))):
            run = load(p)
            out.append((conf, epoch_seconds(run)[0], run["epochs"][0]["batch_ms_median"]))
    return out


def memory_rows(folder):
    out = []
    for p in sorted(glob.glob(os.path.join(folder, "*-ours-r*.json"))):
        run = load(p)
        e = run["epochs"][0]
        st = e.get("steady_state") or {}
        sec = e.get("sections_ms", {})
        out.append((os.path.basename(p)[:-5], st.get("alloc_bytes_per_step"), st.get("gc_gen0"), st.get("gc_gen1"),
                    st.get("gc_gen2"), st.get("gc_pause_ms"), run.get("peak_rss_mib"), run.get("rss_after_load_mib"), sec,
                    e["train_seconds"]))
    return out


def machine():
    model, cores = platform.processor() or "unknown", os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        m = re.search(r"^Model name:\s*(.+)$", out, re.M)
        model = m.group(1).strip() if m else model
    except (OSError, subprocess.CalledProcessError):
        pass
    mem = ""
    try:
        with open("/proc/meminfo", encoding="utf-8") as f:
            kb = int(f.readline().split()[1])
            mem = f", {kb / 1024 / 1024:.0f} GiB RAM"
    except OSError:
        pass
    return f"{model}, {cores} cores{mem}"


def notes(folder):
    """Generic reading notes: the load the runs saw and how to compare the losses."""
    runs = [load(p) for p in glob.glob(os.path.join(folder, "*.json"))]
    loads = [x for r in runs for x in (r.get("loadavg_start", [None])[0], r.get("loadavg_end", [None])[0])
             if x is not None]
    out = []
    if loads:
        out.append(f"- Machine load: the 1-minute load average was {min(loads):.1f}–{max(loads):.1f} during the runs "
                   f"on {os.cpu_count()} cores. Both sides suffer from it alike only roughly (they ran alternately; "
                   "see *CPU s* below for how much CPU each run actually got), so repeat on a quiet machine before "
                   "trusting a ratio near its target.")
    out.append("- Loss levels agree only statistically: the engines' random streams differ (ARCHITECTURES.md). The "
               "tanh network's test loss after one epoch (or after a capped run) moves by several nats with the "
               "seed on either side.")
    return out


def table(rows):
    lines = ["| model | batch | k | batches timed | ours s/epoch | torch s/epoch (best config) | ours/torch | target | "
             "CPU-time ratio | ours test loss | torch test loss | ours train loss | torch train loss |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        approx = "≈" if r["scaled"] else ""
        verdict = "" if r["target"] is None else (" ✔" if r["ratio"] <= r["target"] else " ✘")
        target = "–" if r["target"] is None else f'≤ {r["target"]:.2f}'
        lines.append(f'| {r["label"]} | {r["batch"]} | {r["k"]} | {r["batches"]} | {approx}{r["ours"]:.2f} | '
                     f'{approx}{r["torch"]:.2f} ({r["torch_conf"]}) | **{r["ratio"]:.2f}**{verdict} | {target} | '
                     f'{fmt(r["cpu_ratio"])} | '
                     f'{fmt(r["ours_test"])} | {fmt(r["torch_test"])} | {fmt(r["ours_train"])} | {fmt(r["torch_train"])} |')
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("folder")
    p.add_argument("--markdown")
    p.add_argument("--command", default="benchmarks/compare/compare.sh")
    p.add_argument("--started", default="")
    p.add_argument("--finished", default="")
    p.add_argument("--load", default="")
    args = p.parse_args()
    rows, details = summarise(args.folder)
    main_table = table(rows)
    print(main_table)

    thr = threads_rows(args.folder)
    mem = memory_rows(args.folder)
    md = [f"# Vae.NET vs PyTorch CPU: side-by-side training speed (issue 7)", "",
          f"- Date: {args.started} – {args.finished}",
          f"- Machine: {machine()}",
          f"- Command: `{args.command}`",
          f"- Raw JSON: `{os.path.relpath(args.folder, os.path.dirname(args.markdown or args.folder))}/`",
          f"- Load average (1/5/15 min) at start / end: {args.load}",
          "",
          "Each row is one model (ARCHITECTURES.md), trained by `benchmarks/Vae.Compare` (ours, default threading: "
          "all cores the runtime sees) and `torch_reference.py` (PyTorch CPU at 1 thread and at 2 threads with "
          "`OMP_WAIT_POLICY=PASSIVE`; the faster is shown), run alternately in the same session with the same seeds "
          "and flags. s/epoch is the training loop only (permutation, gather, binarisation, forward, backward, Adam, "
          "`loss.item()`); data loading and test evaluation are excluded. Each side's best run is shown. "
          "≈: the run was capped with `--max-batches`, the time is scaled to a full epoch "
          "(train seconds × batches per epoch / batches run) and the losses are after the capped run. "
          "*CPU-time ratio*: process CPU seconds (all threads) of the same two runs' training loops — less "
          "sensitive to other load on the machine than wall time, but not the target metric (a second core that "
          "helps shows up as extra CPU time).",
          "", main_table, "", *notes(args.folder), ""]
    if thr:
        md += ["## Our threading: canonical VAE, 1 vs 2 threads", "",
               "| configuration | s/epoch | median ms/batch |", "|---|---|---|"]
        md += [f"| {c} | {s:.2f} | {ms:.2f} |" for c, s, ms in thr]
        md += [""]
    rss_table = rss_rows(args.folder)
    if rss_table:
        md += ["## Peak resident memory per process (both sides)", "",
               "`getrusage(RUSAGE_CHILDREN).ru_maxrss` of each run (data, model, runtime; the largest over the "
               "runs of a case). Both sides hold MNIST as float32 (188 MB train + 31 MB test).", "",
               "| case | side | peak RSS MiB |", "|---|---|---|"]
        md += [f"| {c} | {side} | {v:.0f} |" for c, side, v in rss_table]
        md += [""]
    if mem:
        md += ["## Managed allocation, GC and memory (ours)", "",
               "Steady state = from batch 11 (or a quarter of the run) to the end of the epoch. Allocation is "
               "`GC.GetTotalAllocatedBytes(precise: true)` (all threads) per training step; peak RSS is `VmHWM` "
               "from /proc/self/status at the end of the process (includes the MNIST arrays: ~220 MB as float32). "
               "Sections: Stopwatch around data (gather + binarise), forward (loss), backward (zero grad + "
               "backward), optimizer (Adam step) and item, summed over the epoch.", "",
               "| run | alloc / step | gen0 / gen1 / gen2 GCs | GC pause ms | peak RSS MiB | RSS after data load MiB | "
               "data / forward / backward / optimizer s | train s |",
               "|---|---|---|---|---|---|---|---|"]
        for name, alloc, g0, g1, g2, pause, rss, rss0, sec, ts in mem:
            a = "–" if alloc is None else f"{alloc / 1024 / 1024:.2f} MiB"
            s = " / ".join(f'{sec.get(k, 0) / 1000:.2f}' for k in ("data", "forward", "backward", "optimizer"))
            md.append(f"| {name} | {a} | {g0} / {g1} / {g2} | {fmt(pause, 1)} | {fmt(rss, 0)} | {fmt(rss0, 0)} | {s} | {ts:.2f} |")
        md += [""]
    md += ["## Every run", "", "Per case, our runs then PyTorch's (they ran alternately: ours, torch 1 thread, ours, torch 2 threads passive). "
           "*CPU s*: process CPU time (all threads) during the training loop; CPU s well below "
           "threads × train s means the run was starved by other processes.", "",
           "| case | side | config | batches | train s | CPU s | s/epoch | median ms/batch | train loss | "
           "test loss | load (1 min) start |", "|---|---|---|---|---|---|---|---|---|---|---|"]
    for case, side, conf, run, s in details:
        e = run["epochs"][0]
        md.append(f'| {case} | {side} | {conf} | {e["train_batches"]} | {e["train_seconds"]:.2f} | '
                  f'{fmt(e.get("train_cpu_seconds"))} | {s:.2f} | '
                  f'{e["batch_ms_median"]:.2f} | {e["train_loss"]:.3f} | {fmt(e.get("test_loss"), 3)} | '
                  f'{run["loadavg_start"][0]:.1f} |')
    md.append("")
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write("\n".join(md))
    for c, side, v in rss_table:
        if c == "vae":
            print(f"peak RSS, canonical VAE, {side}: {v:.0f} MiB")
    if thr:
        print("\nOur canonical VAE, threads:", "; ".join(f"{c}: {s:.2f} s/epoch" for c, s, _ in thr))
    for name, alloc, g0, g1, g2, pause, rss, rss0, sec, ts in mem:
        if name.startswith("vae-ours"):
            print(f"{name}: {alloc / 1024 / 1024:.2f} MiB allocated per step, GCs {g0}/{g1}/{g2}, "
                  f"peak RSS {fmt(rss, 0)} MiB")


if __name__ == "__main__":
    main()
