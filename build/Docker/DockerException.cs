// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>A docker command failed; the message names the command and ends with its error output.</summary>
public sealed class DockerException(string message) : Exception(message);
