using Vae.Core;
using Vae.Core.Data;
using Vae.Core.NN;

namespace Vae.Samples.Classifier;

/// <summary>Test-set accuracy of a classifier that maps images [N, 784] to logits [N, 10].</summary>
internal static class Evaluation
{
    public static double Accuracy(Module<Tensor, Tensor> model, MnistData data, int batchSize = 1000)
    {
        model.Eval();
        int correct = 0;
        using (Autograd.NoGrad())
        {
            foreach (var (x, y) in new DataLoader(data.ToDataset(), batchSize))
            {
                correct += (int)model.Forward(x).ArgMax(1).Eq(y).Sum().Item();
            }
        }

        model.Train();
        return (double)correct / data.Count;
    }
}
