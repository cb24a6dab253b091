// Conditional VAE on MNIST, both variants of the project:
//   (a) label-conditioned encoder q(z|x,y) and decoder p(x|z,y) with the prior N(0, I);
//   (b) the ml-playground seed's cVAE: per-class prior p(z|y) = one rotated Gaussian per digit on a circle of radius 4,
//       encoder q(z|x), decoder p(x|z), Monte Carlo KL. Its KL weight starts at 50 and decays to 1 over the first 3
//       epochs, so that every digit's codes first move into their own component (see ConditionalVariationalAutoencoder).
// Writes per-class sample grids (row k = samples requested as digit k), reconstructions, class transfer,
// interpolations, the 2-D latent space over the target prior, loss curves, checkpoints and metrics.json, and checks
// the samples with an MLP classifier (acceptance: ≥ 90% classified as the requested digit).
//
//   dotnet run -c Release --project samples/Vae.Samples.Conditional -- [--variant a|b|both] [--epochs 10]
//       [--latent 2] [--kl-samples 128] [--seed 0] [--out out/conditional] [--data DIR] ...   (--help lists all)
using Vae.Samples.Conditional;

return SampleOptions.CreateCommand(options => new ConditionalSample(options).Run()).Parse(args).Invoke();
