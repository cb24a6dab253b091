namespace Vae.Models.Evaluation;

/// <summary>
/// How well predicted classes match the true (or requested) ones: overall and per-class accuracy and the confusion
/// matrix. Used, for example, to check that a conditional generator produces the digits it is asked for.
/// </summary>
public sealed class ClassificationReport
{
    private readonly int[,] _confusion;

    private ClassificationReport(int[,] confusion, int numClasses)
    {
        _confusion = confusion;
        NumClasses = numClasses;
        var counts = new int[numClasses];
        var accuracy = new double[numClasses];
        int correct = 0, total = 0;
        for (int t = 0; t < numClasses; t++)
        {
            for (int p = 0; p < numClasses; p++)
            {
                counts[t] += confusion[t, p];
            }

            correct += confusion[t, t];
            total += counts[t];
            accuracy[t] = counts[t] == 0 ? double.NaN : (double)confusion[t, t] / counts[t];
        }

        ClassCounts = counts;
        ClassAccuracy = accuracy;
        Count = total;
        Accuracy = total == 0 ? double.NaN : (double)correct / total;
    }

    /// <summary>Builds the report from true and predicted class indices.</summary>
    /// <param name="truth">True (or requested) classes in [0, numClasses).</param>
    /// <param name="predicted">Predicted classes in [0, numClasses), same length.</param>
    /// <param name="numClasses">Number of classes K (≥ 1).</param>
    /// <exception cref="ArgumentException">The lengths differ or a class is out of range.</exception>
    public static ClassificationReport FromPredictions(ReadOnlySpan<int> truth, ReadOnlySpan<int> predicted, int numClasses)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(numClasses, 1);
        if (truth.Length != predicted.Length)
        {
            throw new ArgumentException($"ClassificationReport: {truth.Length} true classes but {predicted.Length} predictions.", nameof(predicted));
        }

        var confusion = new int[numClasses, numClasses];
        for (int i = 0; i < truth.Length; i++)
        {
            if ((uint)truth[i] >= (uint)numClasses || (uint)predicted[i] >= (uint)numClasses)
            {
                throw new ArgumentException(
                    $"ClassificationReport: entry {i} has true class {truth[i]} and prediction {predicted[i]}; both must be in [0, {numClasses}).", nameof(truth));
            }

            confusion[truth[i], predicted[i]]++;
        }

        return new ClassificationReport(confusion, numClasses);
    }

    /// <summary>Number of classes K.</summary>
    public int NumClasses { get; }

    /// <summary>Number of examples.</summary>
    public int Count { get; }

    /// <summary>Fraction of examples whose prediction equals the true class (NaN when there are none).</summary>
    public double Accuracy { get; }

    /// <summary>Per true class, the fraction predicted correctly (NaN for classes without examples); length K.</summary>
    public IReadOnlyList<double> ClassAccuracy { get; }

    /// <summary>Number of examples of each true class; length K.</summary>
    public IReadOnlyList<int> ClassCounts { get; }

    /// <summary>How many examples of true class <paramref name="truth"/> were predicted as <paramref name="predicted"/>.</summary>
    public int Confusion(int truth, int predicted) => _confusion[truth, predicted];
}
