#!/usr/bin/python3
"""Reference values for the Vae.Core optimizer, scheduler, clipping and init tests, computed with PyTorch 1.13.

Regenerate the C# data file with:
    /usr/bin/python3 tests/Vae.Core.Tests/Optim/reference/optim_reference.py > tests/Vae.Core.Tests/Optim/OptimReferenceData.cs

Everything runs in float64 on fixed small tensors. Gradients are fake and deterministic (see fake_grad; the C# tests
compute the same formula), and parameter 2 has no gradient at odd steps, so "skip parameters without grad" is
exercised too.
"""
import math

import torch
import torch.nn.init as init

torch.set_default_dtype(torch.float64)

P0 = [[0.5, -1.2, 0.3], [2.0, -0.7, 0.05]]
P1 = [0.1, -0.4, 1.5]
P2 = [-0.8, 0.9]
STEPS = 6


def fake_grad_value(p, i, k):
    scale = 0.2 if k % 3 == 2 else 1.0 + 0.25 * k
    return (p - 0.3 * math.cos(i)) * scale + 0.05 * math.sin(1.7 * i + k)


def fake_grad(p, k):
    flat = p.detach().reshape(-1).tolist()
    return torch.tensor([fake_grad_value(v, i, k) for i, v in enumerate(flat)]).reshape(p.shape)


def make_params():
    return [torch.tensor(P0, requires_grad=True), torch.tensor(P1, requires_grad=True), torch.tensor(P2, requires_grad=True)]


def run(make_opt):
    ps = make_params()
    opt = make_opt(ps)
    for k in range(STEPS):
        for j, p in enumerate(ps):
            p.grad = None if (j == 2 and k % 2 == 1) else fake_grad(p, k)
        opt.step()
    return [p.detach().reshape(-1).tolist() for p in ps]


O = torch.optim
CASES = {
    "sgd": lambda ps: O.SGD(ps, lr=0.1),
    "sgd_momentum": lambda ps: O.SGD(ps, lr=0.1, momentum=0.9),
    "sgd_dampening_wd": lambda ps: O.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.01),
    "sgd_nesterov_wd": lambda ps: O.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.1),
    "sgd_maximize": lambda ps: O.SGD(ps, lr=0.1, momentum=0.5, maximize=True),
    "adam": lambda ps: O.Adam(ps, lr=0.01),
    "adam_wd": lambda ps: O.Adam(ps, lr=0.02, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1),
    "adam_amsgrad": lambda ps: O.Adam(ps, lr=0.05, amsgrad=True),
    "adam_maximize": lambda ps: O.Adam(ps, lr=0.01, weight_decay=0.05, maximize=True),
    "adam_groups": lambda ps: O.Adam([{"params": [ps[0]]},
                                      {"params": [ps[1], ps[2]], "lr": 0.05, "weight_decay": 0.1, "amsgrad": True}], lr=0.01),
    "adamw": lambda ps: O.AdamW(ps, lr=0.01),
    "adamw_amsgrad": lambda ps: O.AdamW(ps, lr=0.05, betas=(0.5, 0.9), weight_decay=0.2, amsgrad=True),
    "adamax": lambda ps: O.Adamax(ps, lr=0.02),
    "adamax_wd_max": lambda ps: O.Adamax(ps, lr=0.05, betas=(0.7, 0.95), eps=1e-3, weight_decay=0.1, maximize=True),
    "rmsprop": lambda ps: O.RMSprop(ps, lr=0.01),
    "rmsprop_centered": lambda ps: O.RMSprop(ps, lr=0.01, alpha=0.9, centered=True),
    "rmsprop_momentum_wd": lambda ps: O.RMSprop(ps, lr=0.01, momentum=0.5, weight_decay=0.1),
    "rmsprop_all": lambda ps: O.RMSprop(ps, lr=0.005, alpha=0.95, eps=1e-4, weight_decay=0.01, momentum=0.9,
                                        centered=True, maximize=True),
}


def lr_sequence(make_sched, lrs=(0.1, 0.02), metrics=None):
    epochs = 12 if metrics is None else len(metrics)
    ps = make_params()
    opt = O.SGD([{"params": [ps[0]], "lr": lrs[0]}, {"params": [ps[1], ps[2]], "lr": lrs[1]}], lr=lrs[0])
    sched = make_sched(opt)
    seq = []
    for e in range(epochs):
        opt.step()  # no grads: a no-op, but keeps PyTorch's call order
        if metrics is None:
            sched.step()
        else:
            sched.step(metrics[e])
        seq.append([g["lr"] for g in opt.param_groups])
    return seq


PLATEAU_METRICS = [1.0, 0.9, 0.95, 0.91, 0.905, 0.85, 0.86, 0.87, 0.88, 0.849, 0.8499, 0.7, 0.71, 0.72, 0.73, 0.74,
                   0.75, float("nan"), 0.76, 0.77]
R = O.lr_scheduler
SCHEDULERS = {
    "step": (lambda o: R.StepLR(o, step_size=3, gamma=0.5), None),
    "multistep": (lambda o: R.MultiStepLR(o, milestones=[2, 5, 5, 8], gamma=0.1), None),
    "exponential": (lambda o: R.ExponentialLR(o, gamma=0.9), None),
    "plateau_min_rel": (lambda o: R.ReduceLROnPlateau(o, mode="min", factor=0.5, patience=2, threshold=0.01,
                                                      threshold_mode="rel", cooldown=1, min_lr=0.01), PLATEAU_METRICS),
    "plateau_max_abs": (lambda o: R.ReduceLROnPlateau(o, mode="max", factor=0.3, patience=1, threshold=0.05,
                                                      threshold_mode="abs", min_lr=[0.001, 0.005]),
                        [-m if m == m else m for m in PLATEAU_METRICS]),
    "plateau_default": (lambda o: R.ReduceLROnPlateau(o, patience=3), PLATEAU_METRICS),
}

CLIP_GRADS = [[[0.5, -1.5, 2.0], [0.25, 3.0, -0.75]], [1.0, -2.0], [0.1]]
CLIP_CASES = [("norm2", 1.0, 2.0), ("norm1", 0.5, 1.0), ("norminf", 2.0, math.inf), ("norm3", 3.0, 3.0),
              ("norm2_noclip", 100.0, 2.0)]


def clip_case(max_norm, norm_type):
    ps = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in CLIP_GRADS]
    for p, g in zip(ps, CLIP_GRADS):
        p.grad = torch.tensor(g)
    total = torch.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
    return float(total), [p.grad.reshape(-1).tolist() for p in ps]


def clip_value():
    ps = [torch.zeros(torch.tensor(g).shape, requires_grad=True) for g in CLIP_GRADS]
    for p, g in zip(ps, CLIP_GRADS):
        p.grad = torch.tensor(g)
    torch.nn.utils.clip_grad_value_(ps, 1.2)
    return [p.grad.reshape(-1).tolist() for p in ps]


INIT_SHAPES = [[400, 784], [20, 400], [16, 8, 3, 3], [5, 7, 2]]


def init_values(shape):
    w = torch.empty(shape)
    fan_in, fan_out = init._calculate_fan_in_and_fan_out(w)
    # The bounds/stds as torch.nn.init computes them (same expressions as kaiming_uniform_ etc.).
    ku5 = math.sqrt(3.0) * (init.calculate_gain("leaky_relu", math.sqrt(5)) / math.sqrt(fan_in))
    ku0_out = math.sqrt(3.0) * (init.calculate_gain("relu") / math.sqrt(fan_out))
    kn0 = init.calculate_gain("leaky_relu", 0) / math.sqrt(fan_in)
    xu = math.sqrt(3.0) * (1.5 * math.sqrt(2.0 / float(fan_in + fan_out)))
    xn = 1.0 * math.sqrt(2.0 / float(fan_in + fan_out))
    return [fan_in, fan_out, ku5, ku0_out, kn0, xu, xn]


def fmt(x):
    if x != x:
        return "double.NaN"
    if x == math.inf:
        return "double.PositiveInfinity"
    return repr(float(x))


def arr(xs):
    return "[" + ", ".join(fmt(x) for x in xs) + "]"


def main():
    out = []
    w = out.append
    w("// <auto-generated>")
    w("// Generated by tests/Vae.Core.Tests/Optim/reference/optim_reference.py with PyTorch " + torch.__version__ + ".")
    w("// Do not edit by hand; rerun the script instead.")
    w("// </auto-generated>")
    w("namespace Vae.Core.Tests;")
    w("")
    w("/// <summary>Values computed with PyTorch by optim_reference.py.</summary>")
    w("internal static class OptimReferenceData")
    w("{")
    w("    public static readonly double[][] InitialParameters = [" + arr(sum(P0, [])) + ", " + arr(P1) + ", " + arr(P2) + "];")
    w("")
    w("    public const int Steps = %d;" % STEPS)
    w("")
    w("    /// <summary>Parameters (flattened, per tensor) after the steps, per optimizer case.</summary>")
    w("    public static readonly Dictionary<string, double[][]> Optimizers = new()")
    w("    {")
    for name, make in CASES.items():
        res = run(make)
        w("        [\"%s\"] = [%s]," % (name, ", ".join(arr(r) for r in res)))
    w("    };")
    w("")
    w("    /// <summary>Learning rates of the two groups after each scheduler step (initial lrs 0.1 and 0.02; 12 epochs, or one per plateau metric).</summary>")
    w("    public static readonly Dictionary<string, double[][]> Schedulers = new()")
    w("    {")
    for name, (make, metrics) in SCHEDULERS.items():
        seq = lr_sequence(make, metrics=metrics)
        w("        [\"%s\"] = [%s]," % (name, ", ".join(arr(s) for s in seq)))
    w("    };")
    w("")
    w("    public static readonly double[] PlateauMetrics = " + arr(PLATEAU_METRICS) + ";")
    w("")
    w("    public static readonly double[][] ClipGrads = [" + ", ".join(arr(sum(g, []) if isinstance(g[0], list) else g) for g in CLIP_GRADS) + "];")
    w("")
    w("    /// <summary>(maxNorm, normType, total norm, clipped grads) per case.</summary>")
    w("    public static readonly Dictionary<string, (double MaxNorm, double NormType, double Total, double[][] Grads)> ClipNorm = new()")
    w("    {")
    for name, mx, nt in CLIP_CASES:
        total, grads = clip_case(mx, nt)
        w("        [\"%s\"] = (%s, %s, %s, [%s])," % (name, fmt(mx), fmt(nt), fmt(total), ", ".join(arr(g) for g in grads)))
    w("    };")
    w("")
    w("    /// <summary>Gradients after clip_grad_value_(1.2).</summary>")
    w("    public static readonly double[][] ClipValue = [" + ", ".join(arr(g) for g in clip_value()) + "];")
    w("")
    w("    /// <summary>")
    w("    /// Per weight shape: fanIn, fanOut, Kaiming-uniform bound (a=sqrt 5, fan_in), Kaiming-uniform bound (relu, fan_out),")
    w("    /// Kaiming-normal std (a=0, fan_in), Xavier-uniform bound (gain 1.5), Xavier-normal std (gain 1).")
    w("    /// </summary>")
    w("    public static readonly (int[] Shape, double[] Values)[] Init =")
    w("    [")
    for s in INIT_SHAPES:
        w("        ([%s], %s)," % (", ".join(str(d) for d in s), arr(init_values(s))))
    w("    ];")
    w("")
    gains = [("Linear", "linear", None), ("Conv2d", "conv2d", None), ("Sigmoid", "sigmoid", None), ("Tanh", "tanh", None),
             ("Relu", "relu", None), ("LeakyRelu", "leaky_relu", None), ("LeakyRelu", "leaky_relu", 0.2), ("Selu", "selu", None)]
    w("    /// <summary>calculate_gain values: (nonlinearity, param or NaN, gain).</summary>")
    w("    public static readonly (string Nonlinearity, double Param, double Gain)[] Gains =")
    w("    [")
    for cs, py, prm in gains:
        w("        (\"%s\", %s, %s)," % (cs, fmt(float("nan") if prm is None else prm), fmt(init.calculate_gain(py, prm))))
    w("    ];")
    w("}")
    print("\n".join(out))


if __name__ == "__main__":
    main()
