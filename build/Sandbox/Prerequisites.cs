namespace CoralNet.Deploy.Sandbox;

/// <summary>Makes sure this machine can run the sandbox: Linux, root, and the tools, installed with apt-get when missing.</summary>
public static class Prerequisites
{
    /// <summary>Each tool the sandbox calls, and the Debian package that brings it.</summary>
    public static readonly IReadOnlyList<(string Tool, string Package)> Tools =
    [
        ("systemd-nspawn", "systemd-container"),
        ("debootstrap", "debootstrap"),
        ("apt-cacher-ng", "apt-cacher-ng"),
        ("ssh", "openssh-client"),
        ("ssh-keygen", "openssh-client"),
        ("ip", "iproute2"),
        ("setsid", "util-linux"),
        ("runuser", "util-linux"),
        ("mount", "mount"),
        ("setpriv", "util-linux"),
        ("openssl", "openssl"),
        ("pebble", "pebble"),
        ("pebble-challtestsrv", "pebble"),
    ];

    public static void Ensure(LocalRunner runner, Action<string> log)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new SandboxException("The sandbox runs only on Linux (it boots hosts with systemd-nspawn); use an AWS environment here (--environment=NAME).");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new SandboxException("The sandbox must run as root (it makes network namespaces, mounts and containers); run it again as root.");
        }

        var missing = Missing();
        if (missing.Count == 0)
        {
            return;
        }

        var packages = missing.Select(m => m.Package).Distinct().ToList();
        var tools = string.Join(", ", missing.Select(m => m.Tool));
        if (Find("apt-get") is null)
        {
            throw new SandboxException($"{tools} missing and cannot be installed: there is no apt-get here; install the packages {string.Join(' ', packages)}.");
        }

        log($"Installing what the sandbox needs: {string.Join(' ', packages)}");
        var update = runner.TryRun(SandboxCommands.AptUpdate());
        var install = update.Succeeded ? runner.TryRun(SandboxCommands.AptInstall(packages)) : update;
        if (!install.Succeeded || Missing().Count > 0)
        {
            var reason = install.Error.Trim().ReplaceLineEndings(" | ");
            throw new SandboxException($"{tools} missing and could not be installed with apt-get ({(reason.Length > 300 ? reason[^300..] : reason)}); install {string.Join(' ', packages)} and run again.");
        }
    }

    private static List<(string Tool, string Package)> Missing() => Tools.Where(t => Find(t.Tool) is null).ToList();

    /// <summary>The tool's full path on PATH or in the sbin folders (root's tools live there), or null.</summary>
    public static string? Find(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Concat(["/usr/sbin", "/sbin", "/usr/bin", "/bin"])
            .Select(folder => Path.Combine(folder, tool))
            .FirstOrDefault(File.Exists);
}
