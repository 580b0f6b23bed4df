// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker image ls [OPTIONS] [REPOSITORY[:TAG]]</summary>
public sealed class DockerImageLsSettings : AutoToolSettings
{
    public bool? All { get; set; }

    public string[]? Filter { get; set; }

    /// <summary>A Go template per image, e.g. {{.Repository}}:{{.Tag}}.</summary>
    public string? Format { get; set; }

    public bool? NoTrunc { get; set; }

    public bool? Quiet { get; set; }
}
