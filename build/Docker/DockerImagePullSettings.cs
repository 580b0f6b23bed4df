// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker pull [OPTIONS] NAME[:TAG|@DIGEST]</summary>
public sealed class DockerImagePullSettings : AutoToolSettings
{
    public bool? AllTags { get; set; }

    public string? Platform { get; set; }

    public bool? Quiet { get; set; }
}
