// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker build [OPTIONS] PATH</summary>
public sealed class DockerImageBuildSettings : AutoToolSettings
{
    /// <summary>The Dockerfile, when not PATH/Dockerfile.</summary>
    public string? File { get; set; }

    /// <summary>Names (name:tag) for the image.</summary>
    public string[]? Tag { get; set; }
}
