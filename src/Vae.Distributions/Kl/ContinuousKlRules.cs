namespace Vae.Distributions;

/// <summary>Analytic KL rules between continuous distributions.</summary>
internal static class ContinuousKlRules
{
    public static void Register()
    {
    }
}
