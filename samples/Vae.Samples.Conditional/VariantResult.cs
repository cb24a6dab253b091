using Vae.Models.Evaluation;
using Vae.Models.Training;

namespace Vae.Samples.Conditional;

/// <summary>What one trained variant produced: its history, the classifier's verdict on its samples, and timings.</summary>
internal sealed record VariantResult(
    char Variant,
    string Description,
    int LatentDim,
    TrainingHistory History,
    ClassificationReport SampleAccuracy,
    double TrainSeconds,
    string Folder);
