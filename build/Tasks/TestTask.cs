using Cake.Common.IO;
using Cake.Common.Tools.DotNet;
using Cake.Common.Tools.DotNet.Test;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Testing;

namespace CoralNet.Deploy.Tasks;

[TaskName("Test")]
[IsDependentOn(typeof(InstallTestPrerequisitesTask))]
[TaskDescription("Builds and runs every test project (--test-filter=EXPR narrows them) and prints the result counts")]
[TaskArgument(FilterOption, typeof(string), "runs only the tests the expression selects (dotnet test --filter syntax)", Placeholder = "EXPR")]
public sealed class TestTask : FrostingTask<DeployContext>
{
    public const string FilterOption = "test-filter";

    public override void Run(DeployContext context)
    {
        var results = Path.Combine(context.ArtifactsDirectory, "test-results");
        context.CleanDirectory(results);
        var filter = context.Options.Get<string?>(FilterOption);
        var projects = Directory.GetFiles(Path.Combine(context.RepositoryRoot, "tests"), "*.Tests.csproj", SearchOption.AllDirectories).Order();

        var failures = new List<string>();
        foreach (var project in projects)
        {
            try
            {
                context.DotNetTest(project, new DotNetTestSettings
                {
                    Configuration = "Debug",
                    ResultsDirectory = results,
                    Loggers = [$"trx;LogFileName={Path.GetFileNameWithoutExtension(project)}.trx", "console;verbosity=normal"],
                    Filter = filter,
                });
            }
            catch (CakeException exception)
            {
                failures.Add($"{Path.GetFileName(project)}: {exception.Message}");
            }
        }

        var trxFiles = Directory.Exists(results) ? Directory.GetFiles(results, "*.trx") : [];
        if (trxFiles.Length == 0)
        {
            throw new CakeException("No test results were written: " + string.Join("; ", failures));
        }

        var summary = TrxSummary.Read(trxFiles);
        context.Log.Information(summary.ToString());
        if (summary.Failed > 0 || failures.Count > 0)
        {
            throw new CakeException($"Tests failed ({summary}).");
        }
    }
}
