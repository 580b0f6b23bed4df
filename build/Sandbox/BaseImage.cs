namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// The shared Debian root every host overlays: built once with debootstrap through the package proxy,
/// then prepared like a fresh server image, and kept under the state folder for every later run.
/// </summary>
public static class BaseImage
{
    /// <summary>Debian 12, the release the sandbox boots.</summary>
    public const string Release = "bookworm";

    public static readonly IReadOnlyList<string> Packages =
    [
        "systemd", "systemd-sysv", "dbus", "libpam-systemd", "openssh-server", "sudo", "python3",
        "iproute2", "ca-certificates", "curl", "procps",
    ];

    /// <summary>Builds the base unless it is there; returns whether it was built.</summary>
    public static bool Ensure(LocalRunner runner, SandboxLayout layout, IReadOnlyList<AptSource> sources, string proxyUrl, Action<string> log)
    {
        if (Directory.Exists(layout.Base))
        {
            return false;
        }

        var mirror = sources.FirstOrDefault(s => s.Suites.Contains(Release))
            ?? throw new SandboxException($"This machine's apt sources name no http:// mirror with the suite {Release}; add one to /etc/apt/sources.list.d, then run again.");
        DeletePartial(runner, layout.PartialBase);
        log($"Building the sandbox's Debian {Release} base with debootstrap (about a minute, once)...");
        try
        {
            runner.Run(SandboxCommands.Debootstrap(layout.PartialBase, mirror.Uri, proxyUrl, Release, Packages));
            // debootstrap does not always unmount the /proc it mounted inside (seen here): nothing stays mounted in the base.
            Unmount(runner, layout.PartialBase);
            Prepare(layout.PartialBase, sources);
        }
        catch
        {
            // A failed debootstrap can leave /proc and /sys mounted inside: nothing of it stays.
            DeletePartial(runner, layout.PartialBase);
            throw;
        }

        Directory.Move(layout.PartialBase, layout.Base);
        return true;
    }

    /// <summary>
    /// Builds the database host's layer unless it is there: PostgreSQL installed over the base (through the
    /// proxy, services kept from starting), so that the database host boots with it like an RDS instance.
    /// </summary>
    public static void EnsureDatabaseLayer(LocalRunner runner, SandboxLayout layout, string proxyUrl, string package, Action<string> log)
    {
        if (Directory.Exists(layout.DatabaseLayer))
        {
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The sandbox runs only on Linux.");
        }

        DeletePartial(runner, layout.PartialDatabaseLayer);
        log($"Building the database host's layer ({package}, once)...");
        InstallOver(runner, layout.Base, layout.PartialDatabaseLayer, proxyUrl,
            $"apt-get update -q && apt-get install -y -q --no-install-recommends {package} && apt-get clean && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d",
            _ => { });
        Directory.Move(layout.PartialDatabaseLayer, layout.DatabaseLayer);
    }

    /// <summary>
    /// Runs an install command by systemd-nspawn in an overlay of the lower tree (which stays as it is), services kept
    /// from starting, and hands the merged root to <paramref name="useRoot"/> while it is mounted; what changed stays in
    /// <paramref name="upper"/>. The mount and its work folder go, whatever happens.
    /// </summary>
    public static void InstallOver(LocalRunner runner, string lower, string upper, string? proxyUrl, string command, Action<string> useRoot)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("Images are built only on Linux.");
        }

        var work = upper + ".work";
        var root = upper + ".root";
        foreach (var folder in new[] { root, work })
        {
            DeletePartial(runner, folder);
        }

        foreach (var folder in new[] { upper, work, root })
        {
            Directory.CreateDirectory(folder);
        }

        try
        {
            runner.Run(SandboxCommands.MountOverlay(lower, upper, work, root));
            var noStart = Path.Combine(root, "usr/sbin/policy-rc.d");
            File.WriteAllText(noStart, "#!/bin/sh\nexit 101\n");
            File.SetUnixFileMode(noStart, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            runner.Run(SandboxCommands.NspawnRun(root, proxyUrl, command));
            useRoot(root);
        }
        finally
        {
            // The mount first, then what a failed build leaves: nothing of it stays.
            foreach (var folder in new[] { root, work })
            {
                DeletePartial(runner, folder);
            }
        }
    }

    /// <summary>Like a fresh server image: no identity, no host keys, no package lists, no apt timers racing the suite.</summary>
    internal static void Prepare(string root, IReadOnlyList<AptSource> sources)
    {
        File.WriteAllText(Path.Combine(root, "etc/machine-id"), "");
        foreach (var key in Directory.GetFiles(Path.Combine(root, "etc/ssh"), "ssh_host_*"))
        {
            File.Delete(key);
        }

        File.WriteAllText(Path.Combine(root, "etc/default/locale"), "LANG=C.UTF-8\n");
        foreach (var timer in new[] { "apt-daily.timer", "apt-daily-upgrade.timer" })
        {
            var link = Path.Combine(root, "etc/systemd/system", timer);
            File.Delete(link);
            File.CreateSymbolicLink(link, "/dev/null");
        }

        File.WriteAllText(Path.Combine(root, "etc/apt/sources.list"), SourcesList(sources));
        var lists = Path.Combine(root, "var/lib/apt/lists");
        foreach (var file in Directory.GetFiles(lists).Where(f => Path.GetFileName(f) != "lock"))
        {
            File.Delete(file);
        }

        foreach (var package in Directory.GetFiles(Path.Combine(root, "var/cache/apt/archives"), "*.deb"))
        {
            File.Delete(package);
        }
    }

    /// <summary>The hosts' sources: this machine's own mirrors for the release, in one-line form.</summary>
    internal static string SourcesList(IEnumerable<AptSource> sources) =>
        string.Concat(sources.SelectMany(s => s.Suites.Select(suite => $"deb {s.Uri} {suite} {string.Join(' ', s.Components.DefaultIfEmpty("main"))}\n")));

    /// <summary>Deletes the folder, anything mounted inside unmounted first.</summary>
    public static void DeletePartial(LocalRunner runner, string partial)
    {
        if (!Directory.Exists(partial))
        {
            return;
        }

        // An interrupted debootstrap can leave /proc and /sys mounted inside: unmount before deleting.
        Unmount(runner, partial);
        Directory.Delete(partial, recursive: true);
    }

    /// <summary>Every mount at or under the folder, deepest first.</summary>
    private static void Unmount(LocalRunner runner, string folder)
    {
        foreach (var mount in MachineState.MountsUnder(folder))
        {
            runner.Run(SandboxCommands.Unmount(mount));
        }
    }
}
