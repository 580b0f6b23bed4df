// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker push [OPTIONS] NAME[:TAG] (the suite sets none of its options).</summary>
public sealed class DockerImagePushSettings : AutoToolSettings
{
}
