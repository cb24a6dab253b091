#!/usr/bin/env python3
"""PyTorch CPU reference for the Vae.NET side-by-side speed comparison (issue 7).

Trains one of four models on MNIST and reports, per epoch, the wall time of the
training epoch (data already in memory; shuffling, batch gathering, binarisation,
forward, backward, optimizer step and the per-batch loss.item() included), the
running mean training loss and the test loss (test evaluation timed separately).

Every model is described framework-neutrally in ARCHITECTURES.md next to this file;
the C# side mirrors that description. PyTorch's random streams differ from
Vae.NET's generators, so only loss *levels* can be compared, never bits.

Usage (threads: set the BLAS/OpenMP environment to the same value, before Python starts):
    OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 /usr/bin/python3 torch_reference.py \
        --model vae --epochs 1 --threads 1 --json vae_t1.json
"""

import argparse
import datetime
import gzip
import json
import math
import os
import platform
import statistics
import struct
import subprocess
import sys
import time

import numpy as np

MODELS = ("vae", "iwae-paper-vae", "conv-vae", "iwae")

# Per-model defaults: batch size, importance samples k, data preprocessing.
DEFAULTS = {
    "vae": {"batch_size": 128, "k": 1, "data": "gray"},
    "iwae-paper-vae": {"batch_size": 20, "k": 1, "data": "dynamic-binary"},
    "iwae": {"batch_size": 20, "k": 50, "data": "dynamic-binary"},
    "conv-vae": {"batch_size": 256, "k": 1, "data": "threshold-binary"},
}


# --------------------------------------------------------------------------- CLI

def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--model", choices=MODELS, required=True)
    p.add_argument("--epochs", type=int, default=1)
    p.add_argument("--batch-size", type=int, default=None,
                   help="default: vae 128, iwae-paper-vae 20, iwae 20, conv-vae 256")
    p.add_argument("--k", type=int, default=None,
                   help="importance samples; 1 = ELBO with analytic KL, >1 = IWAE bound "
                        "(default: iwae 50, others 1)")
    p.add_argument("--threads", type=int, default=1,
                   help="torch.set_num_threads; OPENBLAS_NUM_THREADS and OMP_NUM_THREADS "
                        "must be set to the same value in the environment")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--max-batches", type=int, default=None,
                   help="stop each training epoch after this many batches")
    p.add_argument("--train-limit", type=int, default=None,
                   help="use only the first N training images (h-vae notebook: 10000)")
    p.add_argument("--test-limit", type=int, default=None,
                   help="use only the first N test images (h-vae notebook: 1000)")
    p.add_argument("--test-batch-size", type=int, default=None,
                   help="default 1000 for k=1, 100 for k>1")
    p.add_argument("--skip-test", action="store_true", help="no test evaluation")
    p.add_argument("--data", default=None,
                   help="folder with the four MNIST *.gz IDX files "
                        "(default: $VAE_DATA_DIR, else <repo>/../shared/datasets/mnist or the "
                        "nearest ancestor folder holding shared/datasets/mnist)")
    p.add_argument("--json", default=None, help="write the results to this file")
    p.add_argument("--quiet", action="store_true")
    args = p.parse_args(argv)
    d = DEFAULTS[args.model]
    if args.batch_size is None:
        args.batch_size = d["batch_size"]
    if args.k is None:
        args.k = d["k"]
    if args.test_batch_size is None:
        args.test_batch_size = 1000 if args.k == 1 else 100
    for name in ("epochs", "batch_size", "k", "threads", "test_batch_size"):
        if getattr(args, name) < 1:
            p.error(f"--{name.replace('_', '-')} must be >= 1")
    return args


def check_thread_env(n):
    """Warn unless OPENBLAS_NUM_THREADS and OMP_NUM_THREADS both equal n (they are read
    when the libraries load, so they must be set before Python starts)."""
    env = {v: os.environ.get(v) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS",
                                           "MKL_NUM_THREADS", "OMP_WAIT_POLICY",
                                           "GOMP_SPINCOUNT")}
    bad = [v for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS") if env[v] != str(n)]
    if bad:
        print(f"WARNING: --threads {n} but " + ", ".join(f"{v}={env[v]!r}" for v in bad)
              + f"; set OPENBLAS_NUM_THREADS={n} OMP_NUM_THREADS={n} in the environment "
              "for a fair measurement.", file=sys.stderr)
    return env, not bad


# --------------------------------------------------------------------------- data

def default_data_dir():
    if os.environ.get("VAE_DATA_DIR"):
        return os.environ["VAE_DATA_DIR"]
    repo_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    # <repo>/../shared/datasets/mnist; from a git worktree nested deeper, the nearest
    # ancestor that has shared/datasets/mnist.
    folder = os.path.dirname(repo_root)
    while True:
        candidate = os.path.join(folder, "shared", "datasets", "mnist")
        if os.path.isdir(candidate):
            return candidate
        parent = os.path.dirname(folder)
        if parent == folder:
            return os.path.join(os.path.dirname(repo_root), "shared", "datasets", "mnist")
        folder = parent


def read_idx_gz(path, expected_magic, expected_ndim):
    """Read a gzip IDX file (big-endian header, unsigned bytes) into a uint8 array."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if len(raw) < 4 + 4 * expected_ndim:
        raise ValueError(f"{path}: file too short for an IDX header")
    magic = struct.unpack(">I", raw[:4])[0]
    if magic != expected_magic:
        raise ValueError(f"{path}: magic {magic:#010x}, expected {expected_magic:#010x}")
    dims = struct.unpack(">" + "I" * expected_ndim, raw[4:4 + 4 * expected_ndim])
    offset = 4 + 4 * expected_ndim
    count = int(np.prod(dims))
    if len(raw) - offset != count:
        raise ValueError(f"{path}: {len(raw) - offset} data bytes, header says {count}")
    return np.frombuffer(raw, dtype=np.uint8, offset=offset).reshape(dims)


def load_mnist(folder):
    def images(name):
        return read_idx_gz(os.path.join(folder, name), 0x00000803, 3)
    train = images("train-images-idx3-ubyte.gz")
    test = images("t10k-images-idx3-ubyte.gz")
    if train.shape != (60000, 28, 28) or test.shape != (10000, 28, 28):
        raise ValueError(f"{folder}: unexpected MNIST shapes {train.shape}, {test.shape}")
    return train.reshape(-1, 784), test.reshape(-1, 784)


# --------------------------------------------------------------------------- models

def build_model(torch, name):
    nn = torch.nn
    F = torch.nn.functional

    class MlpVae(nn.Module):
        """784-400-20-400-784 ReLU VAE of the PyTorch examples; head returns log-variance."""

        def __init__(self):
            super().__init__()
            self.fc1 = nn.Linear(784, 400)
            self.fc21 = nn.Linear(400, 20)   # mean
            self.fc22 = nn.Linear(400, 20)   # log-variance
            self.fc3 = nn.Linear(20, 400)
            self.fc4 = nn.Linear(400, 784)   # Bernoulli logits

        def encode(self, x):
            h = F.relu(self.fc1(x))
            mu, logvar = self.fc21(h), self.fc22(h)
            return mu, 0.5 * logvar          # (mean, log sigma)

        def decode(self, z):
            return self.fc4(F.relu(self.fc3(z)))

    class IwaePaperVae(nn.Module):
        """Burda et al. (2015) one-stochastic-layer net: 784-200-200-50, tanh."""

        def __init__(self):
            super().__init__()
            self.enc1 = nn.Linear(784, 200)
            self.enc2 = nn.Linear(200, 200)
            self.enc_mu = nn.Linear(200, 50)
            self.enc_logvar = nn.Linear(200, 50)
            self.dec1 = nn.Linear(50, 200)
            self.dec2 = nn.Linear(200, 200)
            self.dec_out = nn.Linear(200, 784)   # Bernoulli logits

        def encode(self, x):
            h = torch.tanh(self.enc2(torch.tanh(self.enc1(x))))
            return self.enc_mu(h), 0.5 * self.enc_logvar(h)

        def decode(self, z):
            return self.dec_out(torch.tanh(self.dec2(torch.tanh(self.dec1(z)))))

    class ConvVae(nn.Module):
        """The h-vae MNIST CNN (demos/mnist.ipynb), z_dim 64; see ARCHITECTURES.md.
        The decoder's final Sigmoid is folded into the BCE-with-logits loss."""

        def __init__(self, z_dim=64):
            super().__init__()
            self.z_dim = z_dim
            self.encoder_conv = nn.Sequential(
                nn.BatchNorm2d(1),
                nn.Conv2d(1, 16, 5, stride=2, padding=2), nn.Softplus(),    # 28 -> 14
                nn.BatchNorm2d(16),
                nn.Conv2d(16, 32, 5, stride=2, padding=2), nn.Softplus(),   # 14 -> 7
                nn.BatchNorm2d(32),
                nn.Conv2d(32, 32, 5, stride=2, padding=2),                  # 7 -> 4
                nn.BatchNorm2d(32),
            )
            self.encoder_fc = nn.Sequential(
                nn.Linear(512, 450), nn.Softplus(),
                nn.BatchNorm1d(450),
                nn.Linear(450, 2 * z_dim),
            )
            self.decoder_fc = nn.Sequential(
                nn.BatchNorm1d(z_dim),
                nn.Linear(z_dim, 450), nn.Softplus(),
                nn.BatchNorm1d(450),
                nn.Linear(450, 512), nn.Softplus(),
            )
            self.decoder_conv = nn.Sequential(
                nn.BatchNorm2d(32),
                nn.Conv2d(32, 32, 5, padding=2), nn.Upsample(size=7, mode="nearest"),
                nn.Softplus(),
                nn.BatchNorm2d(32),
                nn.Conv2d(32, 16, 5, padding=2), nn.Upsample(size=14, mode="nearest"),
                nn.Softplus(),
                nn.BatchNorm2d(16),
                nn.Conv2d(16, 16, 5, padding=2), nn.Upsample(size=28, mode="nearest"),
                nn.Softplus(),
                nn.Conv2d(16, 1, 5, padding=2),                              # logits
            )

        def encode(self, x):
            h = self.encoder_conv(x.view(-1, 1, 28, 28)).flatten(1)
            out = self.encoder_fc(h)
            return out[:, :self.z_dim], out[:, self.z_dim:]   # (mean, log sigma)

        def decode(self, z):
            h = self.decoder_fc(z).view(-1, 32, 4, 4)
            return self.decoder_conv(h).flatten(1)

    model = {"vae": MlpVae, "iwae-paper-vae": IwaePaperVae, "iwae": IwaePaperVae,
             "conv-vae": ConvVae}[name]()
    adam_eps = 1e-4 if name in ("iwae-paper-vae", "iwae") else 1e-8
    return model, adam_eps


def negative_bound(torch, model, x, k, gen):
    """Per-image negative ELBO (k=1, analytic KL) or negative IWAE bound (k>1), shape [B]."""
    F = torch.nn.functional
    mu, log_sigma = model.encode(x)
    if k == 1:
        eps = torch.randn(mu.shape, generator=gen)
        z = mu + torch.exp(log_sigma) * eps
        logits = model.decode(z)
        rec = F.binary_cross_entropy_with_logits(logits, x, reduction="none").sum(1)
        kl = 0.5 * (mu * mu + torch.exp(2.0 * log_sigma) - 1.0 - 2.0 * log_sigma).sum(1)
        return rec + kl
    b, d = mu.shape
    eps = torch.randn((k, b, d), generator=gen)                  # sample-major layout
    z = mu.unsqueeze(0) + torch.exp(log_sigma).unsqueeze(0) * eps
    logits = model.decode(z.reshape(k * b, d)).view(k, b, -1)
    log_px = -F.binary_cross_entropy_with_logits(
        logits, x.unsqueeze(0).expand_as(logits), reduction="none").sum(2)
    half_log_2pi = 0.5 * math.log(2.0 * math.pi)
    log_pz = (-0.5 * z * z - half_log_2pi).sum(2)
    log_qz = (-0.5 * eps * eps - half_log_2pi - log_sigma.unsqueeze(0)).sum(2)
    log_w = log_px + log_pz - log_qz                             # [k, B]
    return -(torch.logsumexp(log_w, dim=0) - math.log(k))


# --------------------------------------------------------------------------- loops

def train_epoch(torch, model, opt, x_train, args, data_kind, g_shuffle, g_noise, g_bin):
    model.train()
    n = x_train.shape[0]
    c0 = time.process_time()
    t0 = time.perf_counter()
    perm = torch.randperm(n, generator=g_shuffle)
    n_batches = (n + args.batch_size - 1) // args.batch_size
    if args.max_batches is not None:
        n_batches = min(n_batches, args.max_batches)
    total, count, batch_ms = 0.0, 0, []
    for i in range(n_batches):
        tb = time.perf_counter()
        idx = perm[i * args.batch_size:(i + 1) * args.batch_size]
        x = x_train.index_select(0, idx)
        if data_kind == "dynamic-binary":
            x = torch.bernoulli(x, generator=g_bin)
        loss = negative_bound(torch, model, x, args.k, g_noise).mean()
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        total += loss.item() * x.shape[0]
        count += x.shape[0]
        batch_ms.append(1000.0 * (time.perf_counter() - tb))
    seconds = time.perf_counter() - t0
    cpu_seconds = time.process_time() - c0   # process CPU time, all threads (shows starvation under load)
    return {"train_seconds": seconds, "train_cpu_seconds": cpu_seconds,
            "train_loss": total / count, "train_batches": n_batches,
            "train_images": count, "images_per_second": count / seconds,
            "batch_ms_median": statistics.median(batch_ms),
            "batch_ms_mean": statistics.fmean(batch_ms), "first_batch_ms": batch_ms[0]}


def evaluate(torch, model, x_test, args, seed):
    model.eval()
    g = torch.Generator().manual_seed(seed)    # same noise every evaluation
    t0 = time.perf_counter()
    total = 0.0
    with torch.no_grad():
        for s in range(0, x_test.shape[0], args.test_batch_size):
            x = x_test[s:s + args.test_batch_size]
            total += negative_bound(torch, model, x, args.k, g).sum().item()
    return {"test_seconds": time.perf_counter() - t0, "test_loss": total / x_test.shape[0]}


# --------------------------------------------------------------------------- main

def cpu_model_name():
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            if line.startswith("Model name:"):
                return line.split(":", 1)[1].strip()
    except (OSError, subprocess.CalledProcessError):
        pass
    return platform.processor() or "unknown"


def main(argv=None):
    args = parse_args(argv)
    thread_env, env_ok = check_thread_env(args.threads)
    import torch  # after the environment check: OpenBLAS/OpenMP read it when loading

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)               # parameter initialisation
    g_shuffle = torch.Generator().manual_seed(args.seed + 1)
    g_noise = torch.Generator().manual_seed(args.seed + 2)
    g_bin = torch.Generator().manual_seed(args.seed + 3)
    test_bin_seed, eval_noise_seed = args.seed + 4, args.seed + 5

    data_dir = args.data or default_data_dir()
    train_u8, test_u8 = load_mnist(data_dir)
    if args.train_limit:
        train_u8 = train_u8[:args.train_limit]
    if args.test_limit:
        test_u8 = test_u8[:args.test_limit]
    data_kind = DEFAULTS[args.model]["data"]
    x_train = torch.from_numpy(train_u8.astype(np.float32) / 255.0)
    x_test = torch.from_numpy(test_u8.astype(np.float32) / 255.0)
    if data_kind == "threshold-binary":        # h-vae: ToTensor() then round(): byte >= 128
        x_train = torch.from_numpy((train_u8 >= 128).astype(np.float32))
        x_test = torch.from_numpy((test_u8 >= 128).astype(np.float32))
    elif data_kind == "dynamic-binary":        # test set binarised once, fixed seed
        x_test = torch.bernoulli(x_test, generator=torch.Generator().manual_seed(test_bin_seed))

    model, adam_eps = build_model(torch, args.model)
    opt = torch.optim.Adam(model.parameters(), lr=args.lr, betas=(0.9, 0.999), eps=adam_eps)
    n_params = sum(p.numel() for p in model.parameters())

    info = {
        "model": args.model, "args": vars(args), "data_dir": os.path.abspath(data_dir),
        "data_preprocessing": data_kind, "adam": {"lr": args.lr, "betas": [0.9, 0.999],
                                                  "eps": adam_eps},
        "parameters": n_params, "torch_version": torch.__version__,
        "torch_num_threads": torch.get_num_threads(), "thread_env": thread_env,
        "thread_env_matches": env_ok, "cpu": cpu_model_name(), "python": sys.version.split()[0],
        "date": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "loadavg_start": list(os.getloadavg()), "epochs": [],
    }
    if not args.quiet:
        print(f"# {args.model}: k={args.k} batch={args.batch_size} threads={args.threads} "
              f"(torch reports {torch.get_num_threads()}) params={n_params} "
              f"train={x_train.shape[0]} test={x_test.shape[0]} data={data_kind} "
              f"adam_eps={adam_eps} load={os.getloadavg()[0]:.1f}", flush=True)
    for epoch in range(1, args.epochs + 1):
        rec = {"epoch": epoch}
        rec.update(train_epoch(torch, model, opt, x_train, args, data_kind,
                               g_shuffle, g_noise, g_bin))
        if not args.skip_test:
            rec.update(evaluate(torch, model, x_test, args, eval_noise_seed))
        info["epochs"].append(rec)
        if not args.quiet:
            test = ("" if args.skip_test else
                    f"  test {rec['test_loss']:.3f} ({rec['test_seconds']:.2f} s)")
            print(f"epoch {epoch}: train {rec['train_seconds']:.2f} s "
                  f"({rec['train_batches']} batches, median {rec['batch_ms_median']:.2f} ms/batch,"
                  f" {rec['images_per_second']:.0f} img/s)  loss {rec['train_loss']:.3f}{test}",
                  flush=True)
    info["loadavg_end"] = list(os.getloadavg())
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(info, f, indent=2)
            f.write("\n")
    return info


if __name__ == "__main__":
    main()
