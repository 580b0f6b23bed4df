using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Support;

/// <summary>Runs the real task graph in process, as Program does, with its console captured.</summary>
public static class SuiteRun
{
    public static (int ExitCode, string Output) Run(string workingDirectory, params string[] args)
    {
        var console = new CapturingConsole();
        // Cake's environment moves the process into the working directory: come back afterwards.
        var previousDirectory = Directory.GetCurrentDirectory();
        try
        {
            return (Host(workingDirectory, console).Run(args), console.Text);
        }
        finally
        {
            Directory.SetCurrentDirectory(previousDirectory);
        }
    }

    private static CakeHost Host(string workingDirectory, CapturingConsole console) =>
        new CakeHost()
            .UseContext<DeployContext>()
            .UseLifetime<DeployLifetime>()
            .AddAssembly(typeof(DeployContext).Assembly)
            .UseWorkingDirectory(workingDirectory)
            .ConfigureServices(services =>
            {
                services.AddTaskServices();
                services.AddSingleton<IConsole>(provider => new RedactingConsole(console, provider.GetRequiredService<SecretRedactor>()));
            });

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
