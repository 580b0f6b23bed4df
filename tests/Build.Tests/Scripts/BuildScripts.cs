using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Testing;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Scripts;

/// <summary>Runs build.sh, or build.ps1 through PowerShell, of the repository copy, as a user would.</summary>
public static class BuildScripts
{
    public const string Bash = "build.sh";
    public const string PowerShell = "build.ps1";

    /// <summary>The PowerShell that the Test target installs (InstallTestPrerequisites).</summary>
    public static string PowerShellExecutable
    {
        get
        {
            var tool = new PowerShellTool(SuiteRun.RepositoryRoot);
            Assert.That(tool.IsInstalled, Is.True,
                $"PowerShell {PowerShellTool.Version} is not in {tool.Directory}: ./build.sh --target=InstallTestPrerequisites installs it");
            return tool.Executable;
        }
    }

    public static LocalResult Run(string script, params string[] args) =>
        script == Bash
            ? Start(new LocalCommand(Path.Combine(RepositoryCopy.Root, Bash), args))
            : RunPowerShell(["-File", Path.Combine(RepositoryCopy.Root, PowerShell), .. args]);

    /// <summary>PowerShell with these arguments after its own quiet, non-interactive ones.</summary>
    public static LocalResult RunPowerShell(IEnumerable<string> args) =>
        Start(new LocalCommand(PowerShellExecutable, ["-NoProfile", "-NonInteractive", .. args])
        {
            Environment = new Dictionary<string, string>
            {
                // PowerShell would otherwise look for updates and send telemetry: no traffic off this machine.
                ["POWERSHELL_TELEMETRY_OPTOUT"] = "1",
                ["POWERSHELL_UPDATECHECK"] = "Off",
            },
        });

    public static LocalResult Start(LocalCommand command) => new LocalRunner(_ => { }).TryRun(command);

    public static string Other(string script) => script == Bash ? PowerShell : Bash;
}
