using CoralNet.Deploy.Context;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Support;

/// <summary>Runs the real task graph in process, as Program does, with its console captured.</summary>
public static class SuiteRun
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args) =>
        RunWith(_ => { }, workingDirectory, args);

    /// <summary>Runs with extra services, such as fakes standing in for AWS.</summary>
    public static (int ExitCode, string Output) RunWith(Action<IServiceCollection> services, string workingDirectory, params string[] args)
    {
        var console = new CapturingConsole();
        // Cake's environment moves the process into the working directory: come back afterwards.
        var previousDirectory = Directory.GetCurrentDirectory();
        try
        {
            return (DeployHost.Create(console).UseWorkingDirectory(workingDirectory).ConfigureServices(services).Run(args), console.Text);
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    /// <summary>The repository this test run was built from.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    private static string FindRepositoryRoot()
    {
        var directory = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "cake.config")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("No cake.config above " + TestContext.CurrentContext.TestDirectory);
    }
}
