#!/usr/bin/python3
"""Reference values for the Vae.Core BatchNorm and loss tests, computed with PyTorch 1.13.

Regenerate the C# data file with:
    /usr/bin/python3 tests/Vae.Core.Tests/NN/reference/nn_reference.py > tests/Vae.Core.Tests/NN/NNReferenceData.cs

Everything runs in float64 on small fixed tensors whose values are given by closed formulas (the C# tests read the
inputs from the generated file too). Gradients are of sum(y * c) with a fixed cotangent c.
"""
import math

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)

out = []


def emit(name, values):
    flat = values.detach().reshape(-1).tolist() if torch.is_tensor(values) else list(values)
    out.append(f"    public static readonly double[] {name} = [{', '.join(fmt(v) for v in flat)}];")


def fmt(v):
    if math.isnan(v):
        return "double.NaN"
    if math.isinf(v):
        return "double.PositiveInfinity" if v > 0 else "double.NegativeInfinity"
    return repr(float(v))


def pattern(shape, a, b, scale=1.0, shift=0.0):
    n = 1
    for d in shape:
        n *= d
    return torch.tensor([scale * math.sin(a * i + b) + shift for i in range(n)]).reshape(shape)


# ---------------------------------------------------------------- BatchNorm
def batchnorm_case(tag, cls, shape, momentum=0.1):
    c = shape[1]
    bn = cls(c, momentum=momentum).double()
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.5 + 0.25 * k for k in range(c)]))
        bn.bias.copy_(torch.tensor([0.1 - 0.2 * k for k in range(c)]))
    x1 = pattern(shape, 0.7, 0.3, 2.0, 0.5).requires_grad_(True)
    x2 = pattern(shape, 1.3, -0.4, 1.5, -0.25)
    x3 = pattern(shape, 0.45, 1.1, 1.0, 0.2).requires_grad_(True)
    cot = pattern(shape, 0.9, 0.2)
    bn.train()
    y1 = bn(x1)
    (y1 * cot).sum().backward()
    emit(f"{tag}TrainY", y1)
    emit(f"{tag}TrainDx", x1.grad)
    emit(f"{tag}TrainDw", bn.weight.grad)
    emit(f"{tag}TrainDb", bn.bias.grad)
    bn(x2)
    emit(f"{tag}RunningMean", bn.running_mean)
    emit(f"{tag}RunningVar", bn.running_var)
    emit(f"{tag}NumBatches", [float(bn.num_batches_tracked.item())])
    bn.eval()
    bn.weight.grad = None
    bn.bias.grad = None
    y3 = bn(x3)
    (y3 * cot).sum().backward()
    emit(f"{tag}EvalY", y3)
    emit(f"{tag}EvalDx", x3.grad)
    emit(f"{tag}EvalDw", bn.weight.grad)
    emit(f"{tag}EvalDb", bn.bias.grad)


batchnorm_case("Bn1d2", torch.nn.BatchNorm1d, (4, 3))
batchnorm_case("Bn1d3", torch.nn.BatchNorm1d, (2, 3, 4))
batchnorm_case("Bn2d", torch.nn.BatchNorm2d, (2, 3, 2, 3))
batchnorm_case("Bn2dCumulative", torch.nn.BatchNorm2d, (3, 2, 2, 2), momentum=None)

# ---------------------------------------------------------------- Binary cross-entropy with logits
logits = torch.tensor([-100.0, -30.0, -5.0, -1.0, -1e-3, 0.0, 0.5, 2.0, 17.0, 40.0, 100.0, 3.0])
target = torch.tensor([0.0, 1.0, 0.3, 1.0, 0.5, 0.0, 1.0, 0.0, 0.7, 1.0, 0.0, 0.25])
emit("BceLogits", logits)
emit("BceTarget", target)
l = logits.clone().requires_grad_(True)
t = target.clone().requires_grad_(True)
loss = F.binary_cross_entropy_with_logits(l, t, reduction="none")
cot = pattern(logits.shape, 0.9, 0.2)
(loss * cot).sum().backward()
emit("BceWithLogitsNone", loss)
emit("BceWithLogitsDLogits", l.grad)
emit("BceWithLogitsDTarget", t.grad)
emit("BceWithLogitsMean", [F.binary_cross_entropy_with_logits(logits, target).item()])
emit("BceWithLogitsSum", [F.binary_cross_entropy_with_logits(logits, target, reduction="sum").item()])

# ---------------------------------------------------------------- Binary cross-entropy on probabilities
probs = torch.tensor([0.0, 1.0, 1e-8, 0.5, 0.999, 0.2, 0.7, 1.0 - 1e-9, 0.0, 1.0])
ptarget = torch.tensor([1.0, 0.0, 0.0, 0.5, 1.0, 0.0, 0.3, 1.0, 0.0, 1.0])
emit("BceProbs", probs)
emit("BceProbTarget", ptarget)
p = probs.clone().requires_grad_(True)
t = ptarget.clone().requires_grad_(True)
loss = F.binary_cross_entropy(p, t, reduction="none")
cot = pattern(probs.shape, 0.9, 0.2)
(loss * cot).sum().backward()
emit("BceNone", loss)
emit("BceDProbs", p.grad)
emit("BceDTarget", t.grad)
emit("BceMean", [F.binary_cross_entropy(probs, ptarget).item()])

# ---------------------------------------------------------------- MSE
x = pattern((3, 4), 0.8, 0.1, 2.0)
y = pattern((3, 4), 0.3, 0.9)
emit("MseInput", x)
emit("MseTarget", y)
emit("MseNone", F.mse_loss(x, y, reduction="none"))
emit("MseMean", [F.mse_loss(x, y).item()])
emit("MseSum", [F.mse_loss(x, y, reduction="sum").item()])

# ---------------------------------------------------------------- Gaussian NLL
gin = pattern((3, 2), 0.8, 0.1, 2.0)
gtar = pattern((3, 2), 0.3, 0.9)
gvar_full = torch.tensor([[0.5, 1e-8], [2.0, 0.0], [0.1, 3.0]])
gvar_row = torch.tensor([0.5, 2.0, 1e-9])
emit("GnllInput", gin)
emit("GnllTarget", gtar)
emit("GnllVarFull", gvar_full)
emit("GnllVarRow", gvar_row)
cot = pattern((3, 2), 0.9, 0.2)
for tag, var, full in [("Full", gvar_full, False), ("FullConst", gvar_full, True), ("Row", gvar_row, False), ("Col", gvar_row.reshape(3, 1), True)]:
    i_ = gin.clone().requires_grad_(True)
    t_ = gtar.clone().requires_grad_(True)
    v_ = var.clone().requires_grad_(True)
    loss = F.gaussian_nll_loss(i_, t_, v_, full=full, eps=1e-6, reduction="none")
    (loss * cot).sum().backward()
    emit(f"Gnll{tag}None", loss)
    emit(f"Gnll{tag}DInput", i_.grad)
    emit(f"Gnll{tag}DVar", v_.grad)
    emit(f"Gnll{tag}Mean", [F.gaussian_nll_loss(gin, gtar, var, full=full).item()])

# ---------------------------------------------------------------- Cross-entropy and NLL
ce_logits = pattern((4, 5), 1.1, 0.4, 3.0)
ce_logits[2, 1] = 100.0
ce_logits[3, 4] = -100.0
ce_target = [1, 0, 4, 2]
emit("CeLogits", ce_logits)
emit("CeTarget", ce_target)
lg = ce_logits.clone().requires_grad_(True)
loss = F.cross_entropy(lg, torch.tensor(ce_target), reduction="none")
(loss * torch.tensor([0.5, -1.0, 2.0, 0.25])).sum().backward()
emit("CeNone", loss)
emit("CeDLogits", lg.grad)
emit("CeMean", [F.cross_entropy(ce_logits, torch.tensor(ce_target)).item()])
emit("CeSum", [F.cross_entropy(ce_logits, torch.tensor(ce_target), reduction="sum").item()])
ce_probs = torch.softmax(pattern((4, 5), 0.6, 0.0, 2.0), dim=1)
emit("CeProbTarget", ce_probs)
emit("CeProbNone", F.cross_entropy(ce_logits, ce_probs, reduction="none"))
logp = torch.log_softmax(ce_logits, dim=1)
emit("NllNone", F.nll_loss(logp, torch.tensor(ce_target), reduction="none"))
emit("NllMean", [F.nll_loss(logp, torch.tensor(ce_target)).item()])

print("// <auto-generated>")
print(f"// Generated by tests/Vae.Core.Tests/NN/reference/nn_reference.py with PyTorch {torch.__version__}.")
print("// Do not edit by hand; rerun the script instead.")
print("// </auto-generated>")
print("namespace Vae.Core.Tests;")
print()
print("/// <summary>BatchNorm and loss values computed with PyTorch by nn_reference.py (float64).</summary>")
print("internal static class NNReferenceData")
print("{")
print("\n".join(out))
print("}")
