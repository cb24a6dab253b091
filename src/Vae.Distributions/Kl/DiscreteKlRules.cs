namespace Vae.Distributions;

/// <summary>Analytic KL rules between discrete distributions.</summary>
internal static class DiscreteKlRules
{
    public static void Register()
    {
    }
}
