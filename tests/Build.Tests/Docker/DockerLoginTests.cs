using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Path = System.IO.Path;
using Cake.Core.Tooling;
using Cake.Docker;
using NSubstitute;

namespace CoralNet.Deploy.Tests.Docker;

/// <summary>DockerLogin run through Cake's real process runner against a stand-in docker client that records what it was given.</summary>
public sealed class DockerLoginTests
{
    private const string Password = "the-registry-password-123";

    [Test]
    public void The_password_reaches_the_client_on_standard_input_only_and_no_log_line_holds_it()
    {
        var folder = Directory.CreateTempSubdirectory("docker-login-").FullName;
        try
        {
            var client = Path.Combine(folder, "docker");
            File.WriteAllText(client, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > {folder}/arguments\ncat > {folder}/stdin\n");
            File.SetUnixFileMode(client, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var log = Substitute.For<ICakeLog>();
            log.Verbosity.Returns(Verbosity.Diagnostic);
            var environment = new CakeEnvironment(new CakePlatform(), new CakeRuntime());
            var runner = new ProcessRunner(new FileSystem(), environment, log, Substitute.For<IToolLocator>(), Substitute.For<ICakeConfiguration>());
            var context = Substitute.For<ICakeContext>();
            context.Log.Returns(log);
            context.ProcessRunner.Returns(runner);

            context.DockerLogin(new DockerRegistryLoginSettings { Username = "AWS", ToolPath = client }, "123456789012.dkr.ecr.us-west-2.amazonaws.com", Password);

            Assert.That(File.ReadAllLines(Path.Combine(folder, "arguments")),
                Is.EqualTo(new[] { "login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.us-west-2.amazonaws.com" }));
            Assert.That(File.ReadAllText(Path.Combine(folder, "stdin")), Is.EqualTo(Password + "\n"));
            var logged = log.ReceivedCalls().SelectMany(call => call.GetArguments()).SelectMany(argument => argument is object?[] many ? many : [argument]).Select(argument => argument?.ToString() ?? "");
            Assert.That(logged, Has.Some.Contains("--password-stdin"), "the command is logged");
            Assert.That(logged, Has.None.Contains(Password));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
