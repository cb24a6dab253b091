namespace Vae.Core;

/// <summary>The reverse-mode sweep shared by <see cref="Tensor.Backward"/> and <see cref="Autograd.Grad(IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, IReadOnlyList{Tensor}, bool, bool, bool?)"/>.</summary>
internal static class Engine
{
    /// <summary>
    /// Propagates gradients from <paramref name="outputs"/>. With <paramref name="targets"/> null, gradients are
    /// propagated to every leaf that requires grad and accumulated into <see cref="Tensor.Grad"/>; otherwise only
    /// to the targets, which are returned in the dictionary and left untouched.
    /// </summary>
    public static Dictionary<Tensor, Tensor> Run(
        IReadOnlyList<Tensor> outputs,
        IReadOnlyList<Tensor?>? gradOutputs,
        HashSet<Tensor>? targets,
        bool createGraph,
        bool retainGraph)
    {
        if (gradOutputs is not null && gradOutputs.Count != outputs.Count)
        {
            throw new ArgumentException($"Got {gradOutputs.Count} gradOutputs for {outputs.Count} outputs.", nameof(gradOutputs));
        }

        var grads = new Dictionary<Tensor, Tensor>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < outputs.Count; i++)
        {
            var y = outputs[i];
            if (!y.RequiresGrad)
            {
                throw new InvalidOperationException(
                    $"Output {i} (shape {y.Shape}) does not require grad and has no grad function: nothing it depends on requires grad, or it was computed under NoGrad().");
            }

            Tensor? g = gradOutputs?[i];
            if (g is null)
            {
                if (y.Numel != 1)
                {
                    throw new InvalidOperationException(
                        $"Gradient can be created implicitly only for scalar outputs; output {i} has shape {y.Shape}. Pass a gradient of that shape.");
                }

                g = Tensor.Ones(y.Shape, y.DType);
            }
            else if (g.Shape != y.Shape || g.DType != y.DType)
            {
                throw new ArgumentException(
                    $"gradOutputs[{i}] has {g.DType.Name()} {g.Shape} but output {i} has {y.DType.Name()} {y.Shape}.", nameof(gradOutputs));
            }

            Accumulate(grads, y, g);
        }

        var order = TopologicalOrder(outputs);
        var relevant = MarkRelevant(order, targets);

        using (createGraph ? Autograd.EnableGrad() : Autograd.NoGrad())
        {
            for (int k = order.Count - 1; k >= 0; k--)
            {
                var t = order[k];
                var node = t.GradFn;
                if (node is null || !grads.TryGetValue(t, out var g))
                {
                    continue;
                }

                if (node.IsReleased)
                {
                    node.Apply(g); // throws the 'backward through the graph a second time' error
                }

                var inputs = node.Inputs;
                bool any = false;
                for (int i = 0; i < inputs.Length; i++)
                {
                    bool need = inputs[i].RequiresGrad && relevant.Contains(inputs[i]);
                    node.NeedsGrad[i] = need;
                    any |= need;
                }

                if (!any)
                {
                    continue;
                }

                var inGrads = node.Apply(g);
                for (int i = 0; i < inputs.Length; i++)
                {
                    if (!node.NeedsGrad[i] || inGrads[i] is not Tensor gi)
                    {
                        continue;
                    }

                    var x = inputs[i];
                    if (gi.Shape != x.Shape)
                    {
                        gi = gi.SumToShape(x.Shape);
                    }

                    Accumulate(grads, x, gi);
                }

                if (targets is null || !targets.Contains(t))
                {
                    grads.Remove(t);
                }

                if (!retainGraph)
                {
                    node.Release();
                }
            }
        }

        if (targets is null)
        {
            // Rules may pass one gradient tensor to several inputs (Add returns g twice): give each leaf its own
            // storage so optimizers and clipping can modify .Grad in place safely.
            // Nor may a leaf adopt a caller's gradOutputs storage: ZeroGrad recycles adopted storage.
            var used = new HashSet<Array>(ReferenceEqualityComparer.Instance);
            foreach (var g in gradOutputs ?? [])
            {
                if (g is not null)
                {
                    used.Add(g.Data);
                }
            }

            foreach (var (t, g) in grads)
            {
                if (t.IsLeaf && t.RequiresGrad)
                {
                    if (createGraph)
                    {
                        var acc = used.Add(g.Data) ? g : CloneNoGrad(g);
                        t.Grad = TensorScope.Persist(t.Grad is null ? acc : t.Grad + acc);
                    }
                    else if (t.Grad is not null)
                    {
                        t.AccumulateGradNoGraph(g); // in place: g is only read
                    }
                    else
                    {
                        var acc = g.Detach();
                        t.AccumulateGradNoGraph(used.Add(acc.Data) ? acc : CloneNoGrad(acc));
                    }
                }
            }
        }

        return grads;
    }

    private static Tensor CloneNoGrad(Tensor a)
    {
        using (Autograd.NoGrad())
        {
            return a.Clone();
        }
    }

    private static void Accumulate(Dictionary<Tensor, Tensor> grads, Tensor t, Tensor g)
    {
        grads[t] = grads.TryGetValue(t, out var prev) ? prev + g : g;
    }

    /// <summary>Tensors reachable from the outputs through grad functions, each after all of its inputs.</summary>
    private static List<Tensor> TopologicalOrder(IReadOnlyList<Tensor> outputs)
    {
        var order = new List<Tensor>();
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor T, int Next)>();
        foreach (var root in outputs)
        {
            if (!visited.Add(root))
            {
                continue;
            }

            stack.Push((root, 0));
            while (stack.Count > 0)
            {
                var (t, next) = stack.Pop();
                var inputs = t.GradFn?.Inputs ?? [];
                if (next < inputs.Length)
                {
                    stack.Push((t, next + 1));
                    var child = inputs[next];
                    if (child.RequiresGrad && visited.Add(child))
                    {
                        stack.Push((child, 0));
                    }
                }
                else
                {
                    order.Add(t);
                }
            }
        }

        return order;
    }

    /// <summary>Tensors through which a gradient reaches a target (or, without targets, a leaf that requires grad).</summary>
    private static HashSet<Tensor> MarkRelevant(List<Tensor> order, HashSet<Tensor>? targets)
    {
        var relevant = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var t in order)
        {
            bool r = targets is null ? (t.IsLeaf && t.RequiresGrad) : targets.Contains(t);
            if (!r && t.GradFn is { } node)
            {
                foreach (var x in node.Inputs)
                {
                    if (relevant.Contains(x))
                    {
                        r = true;
                        break;
                    }
                }
            }

            if (r)
            {
                relevant.Add(t);
            }
        }

        return relevant;
    }
}
