using System.Net;
using System.Net.Sockets;
using Cake.Docker;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Docker;
using CoralNet.Deploy.Tests.Sandbox;

namespace CoralNet.Deploy.Tests.Container;

/// <summary>
/// DockerLogin as PushImage runs it for ECR, against this checkout's real engine (podman's service)
/// and a real plain-HTTP docker-registry on loopback. podman's login pings a registry over HTTPS
/// only (registries.conf's insecure does not apply to it), so this registry refuses it: the
/// refusal is a clear error naming the registry, and neither it nor the log holds the password,
/// which reached the client on its standard input. Needs root.
/// </summary>
[NonParallelizable]
public sealed class RegistryLoginSandboxTests
{
    private const string Password = "registry-login-password-0123";

    [Test]
    public void A_login_the_registry_refuses_is_a_clear_error_and_no_text_holds_the_password()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var address = $"127.0.0.1:{port}";
        var settings = new ContainerSettings { Registry = address };
        var layout = ContainerLayout.ForCheckout(SandboxHosts.RepositoryRoot);
        var runner = new LocalRunner(TestContext.Progress.WriteLine);
        var registry = new LocalRegistry(layout, settings, runner);
        var engine = new LocalEngine(layout, settings, runner);
        try
        {
            registry.Start();
            engine.Start();
            var (context, log) = DockerRunnerTests.ContextRunningProcesses();
            var login = new DockerRegistryLoginSettings { Username = "AWS", ToolPath = DockerOnPath() };
            foreach (var (name, value) in engine.ClientEnvironment)
            {
                login.EnvironmentVariables[name] = value;
            }

            var refused = Assert.Throws<DockerException>(() => context.DockerLogin(login, address, Password))!;

            Assert.That(refused.Message, Does.StartWith($"'docker login --username AWS --password-stdin {address}' failed with exit code 1")
                .And.Contain($"login attempt to {address} failed").And.Not.Contain(Password));
            Assert.That(DockerRunnerTests.Texts(log), Has.Some.Contains("--password-stdin").And.None.Contains(Password));
        }
        finally
        {
            engine.StopIfStarted();
            registry.StopIfStarted();
            if (Directory.Exists(layout.ClientConfiguration))
            {
                Directory.Delete(layout.ClientConfiguration, recursive: true);
            }
        }
    }

    private static string DockerOnPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Select(folder => Path.Combine(folder, "docker")).FirstOrDefault(File.Exists)
            ?? throw new AssertionException("no docker client on PATH");
}
