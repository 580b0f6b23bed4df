// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker rmi [OPTIONS] IMAGE [IMAGE...]</summary>
public sealed class DockerImageRemoveSettings : AutoToolSettings
{
    /// <summary>Removes the image even when containers use it.</summary>
    public bool? Force { get; set; }
}
