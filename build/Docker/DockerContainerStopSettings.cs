// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker stop [OPTIONS] CONTAINER [CONTAINER...]</summary>
public sealed class DockerContainerStopSettings : AutoToolSettings
{
    /// <summary>Seconds to wait for the container to stop before killing it.</summary>
    public int? Time { get; set; }
}
