namespace Vae.Models.Training;

/// <summary>Weighted running sums of named metrics (weights are batch sizes); means are sum / weight per metric.</summary>
internal sealed class MetricAccumulator
{
    private readonly OrderedDictionary<string, (double Sum, double Weight)> _sums = [];

    public IEnumerable<KeyValuePair<string, (double Sum, double Weight)>> Entries => _sums;

    public void Add(IReadOnlyDictionary<string, double> metrics, double weight)
    {
        foreach (var (name, value) in metrics)
        {
            var (sum, w) = _sums.TryGetValue(name, out var e) ? e : (0.0, 0.0);
            _sums[name] = (sum + (value * weight), w + weight);
        }
    }

    public void Set(string name, double sum, double weight) => _sums[name] = (sum, weight);

    public void Clear() => _sums.Clear();

    public OrderedDictionary<string, double> Means()
    {
        var means = new OrderedDictionary<string, double>(_sums.Count);
        foreach (var (name, (sum, weight)) in _sums)
        {
            means.Add(name, sum / weight);
        }

        return means;
    }
}
