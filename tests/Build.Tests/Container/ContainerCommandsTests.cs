using CoralNet.Deploy.Container;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

public sealed class ContainerCommandsTests
{
    [Test]
    public void Podman_serves_the_checkout_s_socket_with_the_checkout_s_configuration_and_records_its_own_pid()
    {
        var layout = new ContainerLayout("/repo/artifacts");
        var command = ContainerCommands.EngineService(layout);

        Assert.That(command.Arguments, Is.EqualTo(new[]
        {
            "-c", "echo $$ > \"$1\"; shift; exec \"$@\"", "sh", "/repo/artifacts/containers/podman.pid", "env",
            "CONTAINERS_CONF=/repo/artifacts/containers/containers.conf",
            "CONTAINERS_STORAGE_CONF=/repo/artifacts/containers/storage.conf",
            "CONTAINERS_REGISTRIES_CONF=/repo/artifacts/containers/registries.conf",
            "unshare", "--mount", "--propagation", "private", "podman", "system", "service", "--time=0", "unix:///repo/artifacts/containers/podman.sock",
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
