namespace Vae.Distributions;

/// <summary>The analytic KL rules that ship with the library, registered once by <see cref="KL"/>'s static constructor.</summary>
internal static class BuiltInKlRules
{
    public static void RegisterAll()
    {
        ContinuousKlRules.Register();
        DiscreteKlRules.Register();
    }
}
