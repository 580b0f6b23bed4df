// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker push [OPTIONS] NAME[:TAG]</summary>
public sealed class DockerImagePushSettings : AutoToolSettings
{
    public bool? AllTags { get; set; }

    public bool? DisableContentTrust { get; set; }

    public bool? Quiet { get; set; }
}
