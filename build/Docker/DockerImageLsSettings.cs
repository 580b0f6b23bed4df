// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker image ls [OPTIONS] [REPOSITORY[:TAG]]</summary>
public sealed class DockerImageLsSettings : AutoToolSettings
{
    public string[]? Filter { get; set; }

    /// <summary>Only the images' ids.</summary>
    public bool? Quiet { get; set; }

    /// <summary>A Go template each image's line is written with.</summary>
    public string? Format { get; set; }
}
