// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
namespace Cake.Docker;

/// <summary>docker run [OPTIONS] IMAGE [COMMAND] [ARG...]</summary>
public sealed class DockerContainerRunSettings : AutoToolSettings
{
    public string? Name { get; set; }

    public bool? Detach { get; set; }

    /// <summary>An init as PID 1 that forwards signals and reaps processes.</summary>
    public bool? Init { get; set; }

    public bool? ReadOnly { get; set; }

    /// <summary>Remove the container when it exits.</summary>
    public bool? Rm { get; set; }

    public string? User { get; set; }

    public string? Network { get; set; }

    public string[]? Publish { get; set; }

    public string[]? Env { get; set; }

    public string[]? EnvFile { get; set; }

    public string[]? Volume { get; set; }

    public string[]? Tmpfs { get; set; }

    public string? LogDriver { get; set; }

    public string? Workdir { get; set; }
}
