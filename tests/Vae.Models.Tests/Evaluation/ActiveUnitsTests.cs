using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;
using Vae.Models;
using Vae.Models.Evaluation;

namespace Vae.Models.Tests;

public sealed class ActiveUnitsTests
{
    /// <summary>An encoder whose posterior means are μ = (x₀, 0.05·x₁, 0): units with variances Var(x₀), 0.0025·Var(x₁), 0.</summary>
    private static GaussianEncoder LinearEncoder()
    {
        var body = new Linear(4, 6, new Generator(1), dtype: DType.Float64);
        var w = new double[6, 4];
        w[0, 0] = 1;
        w[1, 1] = 0.05;
        w[3, 2] = 0.7; // log-variances depend on x, which must not matter
        body.Weight.CopyFrom(Tensor.FromArray(w));
        body.Bias!.CopyFrom(Tensor.FromArray(new double[] { 0.3, -2, 5, 0, 0, 0 }, 6));
        return new GaussianEncoder(body, 3);
    }

    [Fact]
    public void Variances_are_the_population_variances_of_the_posterior_means_for_any_batching()
    {
        var x = Tensor.Randn(new Shape(101, 4), new Generator(2), DType.Float64) * 2.0;
        var values = x.ToDoubleArray();
        double Var(int column)
        {
            var c = Enumerable.Range(0, 101).Select(i => values[(i * 4) + column]).ToArray();
            double m = c.Average();
            return c.Sum(v => (v - m) * (v - m)) / 101;
        }

        double[] expected = [Var(0), 0.0025 * Var(1), 0];
        foreach (int batch in (int[])[101, 10, 1])
        {
            var result = ActiveUnits.Measure(LinearEncoder(), new DataLoader(new TensorDataset(x), batch));
            for (int j = 0; j < 3; j++)
            {
                result.Variances[j].Should().BeApproximately(expected[j], 1e-12, $"unit {j}, batch {batch}");
            }

            result.Threshold.Should().Be(0.01);
        }
    }

    [Fact]
    public void Count_uses_the_threshold()
    {
        var x = Tensor.Randn(new Shape(200, 4), new Generator(3), DType.Float64) * 4.0; // Var ≈ 16: unit 1 has ≈ 0.04
        var loader = new DataLoader(new TensorDataset(x), 64);
        var result = ActiveUnits.Measure(LinearEncoder(), loader);
        result.Active.Should().Equal(0, 1);
        result.Count.Should().Be(2);
        ActiveUnits.Measure(LinearEncoder(), loader, threshold: 1).Active.Should().Equal(0);
        FluentActions.Invoking(() => ActiveUnits.Measure(LinearEncoder(), loader, threshold: -1)).Should().Throw<ArgumentOutOfRangeException>();
    }

    [Fact]
    public void Works_for_any_latent_variable_model()
    {
        var ae = Autoencoder.Mlp(12, [8], 3, new Generator(1));
        var x = Tensor.Rand(new Shape(40, 12), new Generator(2));
        var result = ActiveUnits.Measure(ae, new DataLoader(new TensorDataset(x), 16));
        result.Variances.Should().HaveCount(3).And.OnlyContain(v => v > 0);
        var vae = new VariationalAutoencoder(LinearEncoder(), LikelihoodDecoder.Mlp(3, [4], 4, Likelihood.Gaussian, Activation.Relu, new Generator(1)));
        vae.Eval();
        ActiveUnits.Measure(vae, new DataLoader(new TensorDataset(Tensor.Randn(new Shape(50, 4), new Generator(5), DType.Float64)), 50)).Variances[2].Should().Be(0);
        vae.Training.Should().BeFalse("the mode the model was in is restored");
    }
}
