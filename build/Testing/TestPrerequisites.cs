using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Testing;

/// <summary>
/// What the tests use on this machine itself: Debian packages (a loopback sshd, visudo, a local
/// PostgreSQL, the sample site's Django stack, podman with runc and docker-registry for the
/// site's image, the AWS hosts' ECR credential helper, run against the emulator, and nft, which closes a sandbox host's ports
/// inside that host's own network namespace; the docker client is expected on PATH) and PowerShell (for build.ps1), installed when
/// missing, so that the test command works on a fresh machine. The sandbox installs its own tools
/// when a test boots it.
/// </summary>
public static class TestPrerequisites
{
    public static readonly IReadOnlyList<string> Packages =
        ["openssh-server", "sudo", "postgresql", "python3-django", "python3-psycopg2", "gunicorn", "python3-venv", "podman", "runc", "docker-registry", "amazon-ecr-credential-helper", "nftables"];

    public static void Ensure(LocalRunner runner, PowerShellTool powerShell, Action<string> log)
    {
        var missing = Packages.Where(package => !IsInstalled(runner, package)).ToList();
        if (missing.Count > 0)
        {
            log("Installing what the tests need: " + string.Join(' ', missing));
            runner.Run(SandboxCommands.AptUpdate());
            runner.Run(SandboxCommands.AptInstall(missing));
        }

        if (!powerShell.IsInstalled)
        {
            log($"Installing PowerShell {PowerShellTool.Version} into {powerShell.Directory}");
            runner.Run(powerShell.Install());
        }
    }

    private static bool IsInstalled(LocalRunner runner, string package)
    {
        var status = runner.TryRun(new LocalCommand("dpkg-query", "-W", "-f=${Status}", package));
        return status.Succeeded && status.Output.Contains("install ok installed", StringComparison.Ordinal);
    }
}
