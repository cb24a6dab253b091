namespace Vae.Core.Data;

/// <summary>Where a dataset file was found.</summary>
internal enum FileOrigin
{
    /// <summary>A caller-given folder or <c>VAE_DATA_DIR</c>.</summary>
    DataFolder,

    /// <summary>The download cache, from an earlier run.</summary>
    Cache,

    /// <summary>Downloaded (and verified) just now.</summary>
    Downloaded,
}
