using System.Collections.Concurrent;
using Vae.Core;

namespace Vae.Distributions;

/// <summary>
/// Kullback–Leibler divergences. <see cref="Divergence"/> dispatches on the runtime types of both arguments to
/// the most specific registered analytic rule and never falls back silently to Monte Carlo;
/// <see cref="MonteCarlo"/> is the explicit estimator for any pair where q can be sampled and p has a density.
/// </summary>
public static class KL
{
    private static readonly Dictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>> Rules = [];
    private static readonly ConcurrentDictionary<(Type P, Type Q), Func<Distribution, Distribution, Tensor>?> Resolved = new();
    private static readonly Lock Gate = new();

    static KL() => BuiltInKlRules.RegisterAll();

    /// <summary>
    /// Registers an analytic rule KL(p ‖ q) for distributions of types <typeparamref name="TP"/> and
    /// <typeparamref name="TQ"/> (and their subclasses, unless a more specific rule exists).
    /// </summary>
    /// <exception cref="InvalidOperationException">A rule for exactly this pair of types is already registered.</exception>
    public static void Register<TP, TQ>(Func<TP, TQ, Tensor> rule)
        where TP : Distribution
        where TQ : Distribution
    {
        ArgumentNullException.ThrowIfNull(rule);
        lock (Gate)
        {
            var key = (typeof(TP), typeof(TQ));
            if (Rules.ContainsKey(key))
            {
                throw new InvalidOperationException($"A KL rule for ({typeof(TP).Name}, {typeof(TQ).Name}) is already registered.");
            }

            Rules[key] = (p, q) => rule((TP)p, (TQ)q);
            Resolved.Clear();
        }
    }

    /// <summary>Whether an analytic rule applies to this pair.</summary>
    public static bool HasRule(Distribution p, Distribution q) => Resolve(p.GetType(), q.GetType()) is not null;

    /// <summary>
    /// Analytic KL(p ‖ q) by the most specific registered rule.
    /// </summary>
    /// <returns>The divergence with the broadcast batch shape of p and q.</returns>
    /// <exception cref="NotSupportedException">No rule is registered for the pair; use <see cref="MonteCarlo"/>.</exception>
    public static Tensor Divergence(Distribution p, Distribution q)
    {
        ArgumentNullException.ThrowIfNull(p);
        ArgumentNullException.ThrowIfNull(q);
        var rule = Resolve(p.GetType(), q.GetType()) ?? throw new NotSupportedException(
            $"No analytic KL rule is registered for KL({p.GetType().Name} ‖ {q.GetType().Name}). " +
            "Register one with KL.Register, or estimate it explicitly with KL.MonteCarlo.");
        return rule(p, q);
    }

    /// <summary>
    /// Monte Carlo estimate E_q[log q(z) − log p(z)] from <paramref name="samples"/> reparameterised draws of q,
    /// differentiable w.r.t. both distributions' parameters.
    /// </summary>
    /// <param name="q">The distribution expectations are taken under; must have <see cref="Distribution.HasRSample"/>.</param>
    /// <param name="p">Any distribution with a log density on q's support.</param>
    /// <param name="samples">Number of draws (≥ 1).</param>
    /// <param name="generator">Source of randomness.</param>
    /// <returns>The estimate per batch element, of q's (broadcast) batch shape.</returns>
    public static Tensor MonteCarlo(Distribution q, Distribution p, int samples, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(p);
        ArgumentOutOfRangeException.ThrowIfLessThan(samples, 1);
        if (!q.HasRSample)
        {
            throw new NotSupportedException($"KL.MonteCarlo needs a reparameterisable q; {q.GetType().Name} has no RSample.");
        }

        var z = q.RSample(new Shape(samples), generator);
        return (q.LogProb(z) - p.LogProb(z)).Sum(0) / samples;
    }

    private static Func<Distribution, Distribution, Tensor>? Resolve(Type p, Type q) =>
        Resolved.GetOrAdd((p, q), static key =>
        {
            lock (Gate)
            {
                Func<Distribution, Distribution, Tensor>? best = null;
                int bestDistance = int.MaxValue;
                bool ambiguous = false;
                foreach (var ((rp, rq), rule) in Rules)
                {
                    int dp = Distance(key.P, rp), dq = Distance(key.Q, rq);
                    if (dp < 0 || dq < 0)
                    {
                        continue;
                    }

                    int d = dp + dq;
                    if (d < bestDistance)
                    {
                        (best, bestDistance, ambiguous) = (rule, d, false);
                    }
                    else if (d == bestDistance)
                    {
                        ambiguous = true;
                    }
                }

                if (ambiguous)
                {
                    throw new InvalidOperationException(
                        $"KL({key.P.Name} ‖ {key.Q.Name}) matches several registered rules equally well; register one for exactly this pair.");
                }

                return best;
            }
        });

    /// <summary>Number of inheritance steps from <paramref name="type"/> up to <paramref name="ancestor"/>, or −1.</summary>
    private static int Distance(Type type, Type ancestor)
    {
        int d = 0;
        for (Type? t = type; t is not null; t = t.BaseType, d++)
        {
            if (t == ancestor)
            {
                return d;
            }
        }

        return -1;
    }
}
