// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>
/// docker login [OPTIONS] [SERVER]. Unlike Cake.Docker's settings there is no Password property:
/// the password goes to the client's standard input (--password-stdin, set by DockerLogin), never
/// onto a command line that ps or a log could show.
/// </summary>
public sealed class DockerRegistryLoginSettings : AutoToolSettings
{
    public string? Username { get; set; }

    public bool PasswordStdin { get; set; }
}
