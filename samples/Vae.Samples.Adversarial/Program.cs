// Adversarial autoencoder on MNIST with a 2-D latent space (Makhzani et al., 2015; the ml-playground seed's AAE part).
//
//   dotnet run -c Release --project samples/Vae.Samples.Adversarial -- --prior gmm|swiss-roll|normal [--labels]
//       [--epochs 12] [--batch-size 100] [--seed 0] [--out DIR] [--data DIR] [--lr 1e-3] [--disc-lr 2e-3] [--gen-lr 2e-3]
//       [--lr-decay 0.8] [--hidden 512,512] [--disc-hidden 256,256] [--stochastic] [--skip-threshold 0.3] [--eval-codes 2000]
//       [--frame-every 1] [--train-subset N]
//
// Writes to the output folder: frames/frame_NNN.svg (test codes over prior samples, one per epoch, frame 0 before
// training), latent.gif (the frames animated), latent.svg, prior.svg, samples.png (decoded prior samples; one row per
// component / segment for labelled priors), reconstructions.png, manifold.png, metrics.json, history.csv/json and
// checkpoints (last/best.safetensors).
using Vae.Samples.Adversarial;

return SampleOptions.Command(o => new AdversarialRun(o).Execute()).Parse(args).Invoke();
