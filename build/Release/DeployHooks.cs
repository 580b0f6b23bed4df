using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Release;

/// <summary>What a hook is told about the run, as CORALNET_* environment variables.</summary>
public sealed record HookRun(string Environment, string Target, string? Release, string? Commit, IReadOnlyList<string> Hosts, string Who, string? Outcome = null)
{
    public IReadOnlyDictionary<string, string> Variables() => new Dictionary<string, string>
    {
        ["CORALNET_ENVIRONMENT"] = Environment,
        ["CORALNET_TARGET"] = Target,
        ["CORALNET_RELEASE"] = Release ?? "",
        ["CORALNET_COMMIT"] = Commit ?? "",
        ["CORALNET_HOSTS"] = string.Join(',', Hosts),
        ["CORALNET_WHO"] = Who,
        ["CORALNET_OUTCOME"] = Outcome ?? "",
    };
}

/// <summary>
/// The site's hooks: executables in its deploy/hooks/ (pre-deploy, post-deploy, post-rollback), run
/// on this machine in the site's folder with the run described in environment variables. A hook
/// that another account could change or swap is refused (<see cref="HookFileCheck"/>).
/// </summary>
public sealed class DeployHooks(string siteDirectory, Action<string> log)
{
    public const string PreDeploy = "pre-deploy";
    public const string PostDeploy = "post-deploy";
    public const string PostRollback = "post-rollback";

    public string Directory => Path.Combine(siteDirectory, "deploy", "hooks");

    /// <summary>Runs the hook when the site has one; its output is logged. False when it failed (its exit code and error output are logged).</summary>
    public bool Run(string name, HookRun run)
    {
        var file = Path.Combine(Directory, name);
        if (!File.Exists(file))
        {
            return true;
        }

        if (HookFileCheck.Problem(file) is { } problem)
        {
            throw new ReleaseException(problem);
        }

        log($"Running the {name} hook.");
        var result = new LocalRunner(_ => { }).TryRun(new LocalCommand(file) { Environment = run.Variables(), WorkingDirectory = siteDirectory });
        foreach (var line in (result.Output + result.Error).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            log($"{name}: {line}");
        }

        if (!result.Succeeded)
        {
            log($"The {name} hook failed with exit code {result.ExitCode}.");
        }

        return result.Succeeded;
    }
}
