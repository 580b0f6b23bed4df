using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The migrate scripts of both runtimes run with the local sh against a temporary root, with the engine, systemd-run
/// and the venv's python standing in as small scripts: the stamp they write is the one the suite parses and compares.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class MigrationStampScriptTests
{
    private const string Id = "20261120T000000Z-aaaaaaaa";
    private const string Applied = "0123456789abcdef0123456789abcdef";
    private static readonly string Key = new('a', 64);

    [Test]
    public void The_stamp_a_container_migrate_writes_is_read_by_the_suite_as_unchanged()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(new ReleasePaths(host.Path, "coralnet"));
        var containers = new ContainerReleaseCommands(commands, HostEngine.Podman);
        Directory.CreateDirectory(commands.Paths.Shared);
        // podman answers the image's layers; systemd-run stands for the one-off container: migrate's output, then the applied migrations' MD5.
        Executable(host, "bin/podman", "[ \"$1 $2\" = 'image inspect' ] || exit 2\nprintf '%s\\n' sha256:base sha256:packages sha256:app\n");
        Executable(host, "bin/systemd-run", $"printf '%s\\n' 'No migrations to apply.' {Applied}\n");
        string Run(RemoteCommand command) => Sh(host, command.Script);

        Assert.That(Run(containers.Migrate(Id, "reg/coralnet:1", "coralnet", Key, "10.213.0.3:5432")), Does.EndWith("ok\n"));
        var state = MigrationStamp.Parse(Run(containers.MigrateState("coralnet", "reg/coralnet:1")));

        Assert.That(state?.Stamp, Is.EqualTo(MigrationStamp.Text(Key, state?.RanOn ?? "", "10.213.0.3:5432", Applied)));
        Assert.That(MigrationStamp.Unchanged(state, Key, "10.213.0.3:5432", Applied), Is.True, $"stamp {state}");
        Assert.That(MigrationStamp.Unchanged(state, Key, "10.213.0.4:5432", Applied), Is.False, "another database");
    }

    [Test]
    public void The_stamp_a_host_migrate_writes_is_read_by_the_suite_as_unchanged_and_by_the_next_migrate_as_nothing_to_do()
    {
        using var host = new TempDirectory();
        File.SetUnixFileMode(host.Path, (UnixFileMode)Convert.ToInt32("755", 8));
        // This machine has no coralnet user: the site's user is nobody, owning shared/state only.
        var commands = new ReleaseCommands(new ReleasePaths(host.Path, "coralnet") { SiteUser = "nobody", SiteGroup = "nogroup" });
        var release = commands.Paths.Release(Id);
        host.Write($"coralnet/releases/{Id}/.release/env", "");
        host.Write("coralnet/shared/env", "DATABASE_NAME=coralnet\nDATABASE_HOST=10.213.0.3\n");
        Directory.CreateDirectory(release + "/project");
        Directory.CreateDirectory(commands.Paths.State);
        Sh(host, $"chown nobody:nogroup {Shell.Quote(commands.Paths.State)}");
        // The venv's python: the applied migrations' MD5 for -c, migrate's own line for manage.py (counted).
        Executable(host, "coralnet/shared/venvs/py3/bin/python", $"case \"$1\" in\n  -c) echo {Applied} ;;\n  manage.py) echo 'No migrations to apply.' ;;\nesac\n");
        File.CreateSymbolicLink(release + "/venv", commands.Paths.Venvs + "/py3");
        string Run(RemoteCommand command) => Sh(host, command.Script);

        Assert.That(Run(commands.Install.Migrate(Id, Key)), Does.EndWith("ok\n").And.Not.Contain("skipped"), "no stamp yet: migrated");
        var state = MigrationStamp.Parse(Run(commands.Install.MigrateState(Id, "coralnet")));

        Assert.That(state?.RanOn, Is.EqualTo(commands.Paths.Venvs + "/py3"));
        Assert.That(MigrationStamp.Unchanged(state, Key, "10.213.0.3:5432", Applied), Is.True, $"stamp {state}");
        Assert.That(Run(commands.Install.Migrate(Id, Key)), Does.Contain("skipped"), "the host's own comparison reads the same stamp");
    }

    private static void Executable(TempDirectory host, string relative, string body) =>
        File.SetUnixFileMode(host.Write(relative, "#!/bin/sh\n" + body), (UnixFileMode)Convert.ToInt32("755", 8));

    /// <summary>The script with the temporary bin/ first on PATH; its standard output, after it succeeded.</summary>
    private static string Sh(TempDirectory host, string script)
    {
        var (code, output, errors) = TempDirectory.RunSh($"PATH={Shell.Quote(host.Path + "/bin")}:$PATH\n{script}");
        Assert.That(code, Is.Zero, output + errors);
        return output;
    }
}
