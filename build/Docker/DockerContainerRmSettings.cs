// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker rm [OPTIONS] CONTAINER [CONTAINER...]</summary>
public sealed class DockerContainerRmSettings : AutoToolSettings
{
    /// <summary>Remove a running container too (it is killed).</summary>
    public bool? Force { get; set; }

    /// <summary>Remove the container's anonymous volumes.</summary>
    public bool? Volumes { get; set; }
}
