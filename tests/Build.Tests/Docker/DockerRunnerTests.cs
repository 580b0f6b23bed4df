using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Tooling;
using Cake.Docker;
using NSubstitute;
using Path = System.IO.Path;

namespace CoralNet.Deploy.Tests.Docker;

/// <summary>The aliases run through Cake's real process runner against a stand-in docker client that records its arguments and standard input.</summary>
public sealed class DockerRunnerTests
{
    private const string Password = "the-registry-password-123";

    private string _folder = "";
    private ICakeLog _log = null!;
    private ICakeContext _context = null!;

    private string Client => Path.Combine(_folder, "docker");

    private string[] Arguments => File.ReadAllLines(Path.Combine(_folder, "arguments"));

    private string StandardInput => File.ReadAllText(Path.Combine(_folder, "stdin"));

    private IEnumerable<string> Logged => Texts(_log);

    [SetUp]
    public void SetUp()
    {
        _folder = Directory.CreateTempSubdirectory("docker-client-").FullName;
        File.WriteAllText(Client, $"#!/bin/sh\nprintf '%s\\n' \"$@\" > {_folder}/arguments\ncat > {_folder}/stdin\n");
        File.SetUnixFileMode(Client, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        (_context, _log) = ContextRunningProcesses();
    }

    /// <summary>A Cake context whose process runner is Cake's own, and whose log records every call.</summary>
    internal static (ICakeContext Context, ICakeLog Log) ContextRunningProcesses()
    {
        var log = Substitute.For<ICakeLog>();
        log.Verbosity.Returns(Verbosity.Diagnostic);
        var runner = new ProcessRunner(new FileSystem(), new CakeEnvironment(new CakePlatform(), new CakeRuntime()), log, Substitute.For<IToolLocator>(), Substitute.For<ICakeConfiguration>());
        var context = Substitute.For<ICakeContext>();
        context.Log.Returns(log);
        context.ProcessRunner.Returns(runner);
        return (context, log);
    }

    /// <summary>Every text the log was handed (formats and their arguments).</summary>
    internal static IEnumerable<string> Texts(ICakeLog log) => log.ReceivedCalls().SelectMany(call => call.GetArguments())
        .SelectMany(argument => argument is object?[] many ? many : [argument]).Select(argument => argument?.ToString() ?? "");

    [TearDown]
    public void TearDown() => Directory.Delete(_folder, recursive: true);

    [Test]
    public void Login_hands_the_password_to_the_client_on_standard_input_only_and_no_log_line_holds_it()
    {
        _context.DockerLogin(new DockerRegistryLoginSettings { Username = "AWS", ToolPath = Client }, "123456789012.dkr.ecr.us-west-2.amazonaws.com", Password);

        Assert.That(Arguments, Is.EqualTo(new[] { "login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.us-west-2.amazonaws.com" }));
        Assert.That(StandardInput, Is.EqualTo(Password + "\n"));
        Assert.That(Logged, Has.Some.Contains("--password-stdin"), "the command is logged");
        Assert.That(Logged, Has.None.Contains(Password));
    }

    [Test]
    public void A_command_without_input_runs_with_standard_input_left_alone()
    {
        var lines = _context.DockerImageLs(new DockerImageLsSettings { Quiet = true, ToolPath = Client });

        Assert.That(lines, Is.Empty);
        Assert.That(Arguments, Is.EqualTo(new[] { "image", "ls", "--quiet" }));
    }
}
