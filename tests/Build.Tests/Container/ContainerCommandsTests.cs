using CoralNet.Deploy.Container;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

public sealed class ContainerCommandsTests
{
    [Test]
    public void Podman_serves_the_checkout_s_socket_with_the_checkout_s_configuration_and_records_its_own_pid()
    {
        var layout = new ContainerLayout("/var/lib/coralnet-deploy/0123456789abcdef");
        var command = ContainerCommands.EngineService(layout);

        Assert.That(command.Arguments, Is.EqualTo(new[]
        {
            "-c", "echo $$ > \"$1\"; shift; exec \"$@\"", "sh", "/var/lib/coralnet-deploy/0123456789abcdef/podman.pid", "env",
            "CONTAINERS_CONF=/var/lib/coralnet-deploy/0123456789abcdef/containers.conf",
            "CONTAINERS_STORAGE_CONF=/var/lib/coralnet-deploy/0123456789abcdef/storage.conf",
            "CONTAINERS_REGISTRIES_CONF=/var/lib/coralnet-deploy/0123456789abcdef/registries.conf",
            "unshare", "--mount", "--propagation", "private", "podman", "system", "service", "--time=0", "unix:///var/lib/coralnet-deploy/0123456789abcdef/podman.sock",
        }));
    }

    [Test]
    public void The_recorded_pid_is_the_program_s_own()
    {
        using var folder = new TempDirectory();
        var layout = new ContainerLayout(folder.Path);
        Directory.CreateDirectory(layout.RegistryDirectory);
        var command = ContainerCommands.Registry(layout);
        // The same wrapper, around a program that prints its own PID instead of serving.
        var words = command.Arguments.Take(4).Concat(["sh", "-c", "echo $$"]).Select(word => "'" + word.Replace("'", "'\\''") + "'");

        var (code, output, _) = TempDirectory.RunSh("sh " + string.Join(' ', words));

        Assert.That(code, Is.Zero);
        Assert.That(File.ReadAllText(layout.RegistryPidFile).Trim(), Is.EqualTo(output.Trim()));
    }
}
