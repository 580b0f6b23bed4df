// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] (the command has no options).</summary>
public sealed class DockerImageTagSettings : AutoToolSettings
{
}
