using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Container;

/// <summary>Builds every command the image builder runs on this machine (but the docker client's, which the Docker aliases make, and the base image's install, which the sandbox's overlay build runs), as plain data.</summary>
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

    /// <summary>Deletes the layers and manifests no tag names any more; only while the registry does not run (an upload under way would lose its layers).</summary>
    public static LocalCommand RegistryGarbageCollect(ContainerLayout layout) =>
        new("docker-registry", "garbage-collect", "--delete-untagged", layout.RegistryConfigurationFile);

    /// <summary>The command, its PID written to the file first (the shell execs into it, so the PID stays the command's).</summary>
    private static LocalCommand RecordingPid(string pidFile, LocalCommand command) =>
        new("sh", ["-c", "echo $$ > \"$1\"; shift; exec \"$@\"", "sh", pidFile, "env", .. command.Environment.Select(pair => $"{pair.Key}={pair.Value}"), command.Program, .. command.Arguments]);

    /// <summary>The tree as one archive, owners by number (the image's accounts are the tree's, not this machine's).</summary>
    public static LocalCommand Archive(string tree, string archive) => new("tar", "-C", tree, "--numeric-owner", "-cf", archive, ".");

    /// <summary>Each path's kind, owner's uid, octal mode and name, one line each (a symlink itself, not what it points at).</summary>
    public static LocalCommand Ownership(params string[] paths) => new("stat", ["-c", "%F|%u|%a|%n", "--", .. paths]);

    public static LocalCommand GitCommit(string directory) => new("git", "-C", directory, "rev-parse", "--short=12", "HEAD");
}
