using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Scripts;

/// <summary>build.ps1 behaves as build.sh does: same output, same exit code, arguments passed unchanged.</summary>
public sealed class BuildScriptParityTests
{
    [SetUp]
    public void BuildIsCurrent() =>
        Assert.That(BuildScripts.Run(BuildScripts.Bash, "--tree").ExitCode, Is.EqualTo(0));

    [TestCase("--tree")]
    [TestCase("--tree", "--target=Deploy")]
    [TestCase("--help")]
    [TestCase("--version")]
    [TestCase("--description")]
    public void BothScriptsSayTheSame(params string[] args)
    {
        var bash = BuildScripts.Run(BuildScripts.Bash, args);
        var powerShell = BuildScripts.Run(BuildScripts.PowerShell, args);

        Assert.Multiple(() =>
        {
            Assert.That(bash.ExitCode, Is.EqualTo(0), bash.Error);
            Assert.That(bash.Output, Is.Not.Empty);
            Assert.That(powerShell.ExitCode, Is.EqualTo(bash.ExitCode), powerShell.Error);
            Assert.That(powerShell.Output, Is.EqualTo(bash.Output));
            Assert.That(powerShell.Error, Is.EqualTo(bash.Error));
        });
    }

    [TestCase("--verbosity=loud")]
    [TestCase("--verbosity=lo \"ud\" 'x'")]
    public void AnInvalidValueFailsTheSameFromBoth(string argument)
    {
        var bash = BuildScripts.Run(BuildScripts.Bash, argument);
        var powerShell = BuildScripts.Run(BuildScripts.PowerShell, argument);

        Assert.Multiple(() =>
        {
            Assert.That(bash.ExitCode, Is.Not.EqualTo(0));
            Assert.That(bash.Output + bash.Error, Does.Contain(argument["--verbosity=".Length..]), "the value reached the program unchanged");
            Assert.That(powerShell.ExitCode, Is.EqualTo(bash.ExitCode));
            Assert.That(powerShell.Output, Is.EqualTo(bash.Output));
            Assert.That(powerShell.Error, Is.EqualTo(bash.Error));
        });
    }

    [TestCase("--tree")]
    [TestCase("--verbosity=loud")]
    public void TheCallersLocationAndEnvironmentStayAsTheyWere(string argument)
    {
        var caller = Directory.CreateTempSubdirectory("coralnet-deploy-caller-").FullName;
        try
        {
            var script = Path.Combine(RepositoryCopy.Root, BuildScripts.PowerShell);
            var run = BuildScripts.RunPowerShell(
            [
                "-WorkingDirectory", caller, "-Command",
                $"$env:DOTNET_NOLOGO = 'caller'; & '{script}' {argument}; $code = $LASTEXITCODE; " +
                "\"location=$((Get-Location).Path)\"; \"nologo=$env:DOTNET_NOLOGO\"; exit $code",
            ]);
            var bash = BuildScripts.Run(BuildScripts.Bash, argument);

            Assert.Multiple(() =>
            {
                Assert.That(run.ExitCode, Is.EqualTo(bash.ExitCode), run.Error);
                Assert.That(run.Output, Does.Contain("location=" + caller + "\n"));
                Assert.That(run.Output, Does.Contain("nologo=caller\n"));
            });
        }
        finally
        {
            Directory.Delete(caller, recursive: true);
        }
    }

    [Test]
    public void BothRefuseAnSdkOtherThanGlobalJsonsTheSameWay()
    {
        var fakeSdk = Directory.CreateTempSubdirectory("coralnet-deploy-fake-dotnet-").FullName;
        try
        {
            // A dotnet that knows only .NET 8's SDK stands first on PATH.
            var dotnet = Path.Combine(fakeSdk, "dotnet");
            File.WriteAllText(dotnet, "#!/bin/sh\n[ \"$1\" = --list-sdks ] && echo '8.0.100 [/usr/share/dotnet/sdk]'\n");
            File.SetUnixFileMode(dotnet, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var path = fakeSdk + ":" + Environment.GetEnvironmentVariable("PATH");

            var bash = BuildScripts.Start(new LocalCommand(Path.Combine(RepositoryCopy.Root, BuildScripts.Bash), "--tree")
            {
                Environment = new Dictionary<string, string> { ["PATH"] = path },
            });
            // PowerShell's own launcher runs the dotnet it finds on PATH: the script alone gets the fake one.
            var script = Path.Combine(RepositoryCopy.Root, BuildScripts.PowerShell);
            var powerShell = BuildScripts.RunPowerShell(["-Command", $"$env:PATH = '{path}'; & '{script}' --tree; exit $LASTEXITCODE"]);

            Assert.Multiple(() =>
            {
                Assert.That(bash.ExitCode, Is.EqualTo(1));
                Assert.That(bash.Error, Does.StartWith("error: .NET SDK ").And.Contain("is not installed").And.Contain("found: 8.0.100"));
                Assert.That(powerShell.ExitCode, Is.EqualTo(1), powerShell.Error);
                Assert.That(powerShell.Output, Is.Empty);
                Assert.That(powerShell.Error, Is.EqualTo(bash.Error));
            });
        }
        finally
        {
            Directory.Delete(fakeSdk, recursive: true);
        }
    }
}
