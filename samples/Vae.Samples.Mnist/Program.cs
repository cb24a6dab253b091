// The MNIST VAE sample: the canonical VAE (784-400-20, ReLU, Bernoulli, Adam 1e-3, batch 128) and an autoencoder
// baseline of the same shape, trained with the Trainer; then samples, interpolations, latent scatter plots,
// reconstructions, loss curves, the manifold (for --latent 2) and test metrics (ELBO terms, importance-sampled NLL,
// active units).
//
//   dotnet run -c Release --project samples/Vae.Samples.Mnist -- [--latent 20] [--epochs 10] [--hidden 400]
//       [--likelihood bernoulli|continuous-bernoulli|gaussian|gaussian-learned-variance] [--beta 1] [--seed 0]
//       [--out out/mnist] [--data DIR] [--batch-size 128] [--ae|--no-ae] [--is-k 5000] [--is-count 1000|all]
//
// MNIST is read from --data, else $VAE_DATA_DIR, else shared/datasets/mnist in the current folder or an ancestor,
// else the download cache.
using Spectre.Console;
using Vae.Samples.Mnist;

if (Console.IsOutputRedirected)
{
    // Plain text for logs: no colour codes, progress reported as lines.
    AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.No,
        ColorSystem = ColorSystemSupport.NoColors,
        Interactive = InteractionSupport.No,
    });
    AnsiConsole.Profile.Width = 100;
}

var root = SampleOptions.Command(MnistSample.Run);
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    Console.Error.WriteLine($"error: {parsed.Errors[0].Message} (see --help)");
    return 2;
}

return parsed.Invoke();
