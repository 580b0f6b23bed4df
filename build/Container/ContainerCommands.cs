using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Container;

/// <summary>Builds every command the image builder runs on this machine (but the docker client's, which the Docker aliases make), as plain data.</summary>
public static class ContainerCommands
{
    /// <summary>
    /// Podman serving the Docker API on the checkout's socket until stopped (--time=0: no idle exit), in
    /// a mount namespace of its own: the overlay mounts of its storage and builds go away with it
    /// instead of staying in this machine's mount table.
    /// </summary>
    public static LocalCommand EngineService(ContainerLayout layout) =>
        RecordingPid(layout.EnginePidFile, new LocalCommand("unshare", "--mount", "--propagation", "private", "podman", "system", "service", "--time=0", "unix://" + layout.Socket)
        {
            Environment = EngineEnvironment(layout),
        });

    /// <summary>What keeps podman's configuration and storage the checkout's own instead of the machine's.</summary>
    public static IReadOnlyDictionary<string, string> EngineEnvironment(ContainerLayout layout) => new Dictionary<string, string>
    {
        ["CONTAINERS_CONF"] = layout.EngineConfigurationFile,
        ["CONTAINERS_STORAGE_CONF"] = layout.StorageConfigurationFile,
        ["CONTAINERS_REGISTRIES_CONF"] = layout.RegistriesConfigurationFile,
    };

    public static LocalCommand Registry(ContainerLayout layout) =>
        RecordingPid(layout.RegistryPidFile, new LocalCommand("docker-registry", "serve", layout.RegistryConfigurationFile));

    /// <summary>The command, its PID written to the file first (the shell execs into it, so the PID stays the command's).</summary>
    private static LocalCommand RecordingPid(string pidFile, LocalCommand command) =>
        new("sh", ["-c", "echo $$ > \"$1\"; shift; exec \"$@\"", "sh", pidFile, "env", .. command.Environment.Select(pair => $"{pair.Key}={pair.Value}"), command.Program, .. command.Arguments]);

    /// <summary>
    /// Runs the base image's install script in the tree by chroot, in a mount namespace of its own:
    /// the /proc it mounts goes away with it and this machine's mounts stay as they were.
    /// </summary>
    public static LocalCommand InstallInTree(string tree, string script) =>
        new LocalCommand("unshare", "--mount", "--fork", "chroot", tree, "/bin/sh", "-s") { Input = script };

    /// <summary>The tree as one image layer, through the engine's API (tar's failure fails the pipe).</summary>
    public static LocalCommand ImportTree(string tree, string image, IReadOnlyDictionary<string, string> clientEnvironment) =>
        new LocalCommand("bash", "-c", "set -o pipefail; tar -C \"$1\" --numeric-owner -c . | docker import - \"$2\"", "bash", tree, image)
        {
            Environment = clientEnvironment,
        };

    /// <summary>Each path's kind, owner's uid, octal mode and name, one line each (a symlink itself, not what it points at).</summary>
    public static LocalCommand Ownership(params string[] paths) => new("stat", ["-c", "%F|%u|%a|%n", "--", .. paths]);

    public static LocalCommand GitCommit(string directory) => new("git", "-C", directory, "rev-parse", "--short=12", "HEAD");
}
