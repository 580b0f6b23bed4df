using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Testing;

/// <summary>
/// PowerShell, which the tests of build.ps1 run: the .NET tool package, installed into tools/pwsh
/// of the repository (Cake's tools folder, outside git) when that version is not there yet.
/// </summary>
public sealed class PowerShellTool(string repositoryRoot)
{
    /// <summary>The newest version the registry serves whole: 7.7.0 needs a package it does not serve.</summary>
    public const string Version = "7.6.9";

    public string Directory { get; } = Path.Combine(repositoryRoot, "tools", "pwsh");

    public string Executable => Path.Combine(Directory, "pwsh");

    public bool IsInstalled =>
        File.Exists(Executable) && System.IO.Directory.Exists(Path.Combine(Directory, ".store", "powershell", Version));

    /// <summary>Installs this version, or moves an installed other version to it.</summary>
    public LocalCommand Install() =>
        new("dotnet", "tool", "update", "--tool-path", Directory, "PowerShell", "--version", Version, "--allow-downgrade");
}
