using System.Diagnostics;
using System.Text.Json.Nodes;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>
/// What the run leaves behind as it ends: one line in the audit log of every web host it worked on
/// (deploys, rollbacks, maintenance switches, locks and unlocks; nothing secret), and the site's
/// post-deploy or post-rollback hook with the outcome, and the report of --report=FILE.json. Tasks tell it the release and commit.
/// </summary>
public sealed class RunAudit(ICakeLog log, RunConnections connections, RunRecorder recorder, SecretRedactor redactor)
{
    public static readonly IReadOnlySet<string> AuditedTargets = new HashSet<string>(["Deploy", "Rollback", "MaintenanceOn", "MaintenanceOff", "Lock", "Unlock"], StringComparer.OrdinalIgnoreCase);

    private readonly Stopwatch _clock = new();
    private DateTimeOffset _started;
    private string _target = "";

    public string? Release { get; set; }

    public string? Commit { get; set; }

    /// <summary>Why (Lock --message).</summary>
    public string? Message { get; set; }

    public void Begin(string target)
    {
        _target = target;
        _started = DateTimeOffset.UtcNow;
        _clock.Restart();
    }

    /// <summary>The hook a target runs once it ended (post-deploy, post-rollback), if any.</summary>
    private string? PostHook => _target.ToLowerInvariant() switch
    {
        "deploy" => DeployHooks.PostDeploy,
        "rollback" => DeployHooks.PostRollback,
        _ => null,
    };

    /// <summary>The hooks of the run's site, and what they are told.</summary>
    public static (DeployHooks Hooks, HookRun Run) Hooks(DeployContext context, string target, string? release, string? commit, IEnumerable<string> hosts, Action<string> log, string? outcome = null) =>
        (new DeployHooks(Path.GetFullPath(context.Settings.Site.Source, context.RepositoryRoot), log),
         new HookRun(context.Settings.Environment, target, release, commit, [.. hosts], RunIdentity.Who(context.Environment.GetEnvironmentVariable), outcome));

    /// <summary>Writes the audit line on each host the run reached, runs the post hook and writes the report; a failure of any is reported, not thrown (the run's own outcome stands).</summary>
    public void End(DeployContext context, bool successful)
    {
        var outcome = successful ? "succeeded" : "failed";
        WriteReport(context, outcome);
        var hosts = connections.WebHosts;
        if (AuditedTargets.Contains(_target) && connections.IsOpen && !context.Options.Check)
        {
            var entry = new AuditEntry(_started, RunIdentity.Who(context.Environment.GetEnvironmentVariable), _target, Release, Commit, outcome, _clock.Elapsed.TotalSeconds, Message);
            var command = new OperatorCommands(context.Settings.Site).AppendAudit(entry.ToLine());
            foreach (var host in hosts)
            {
                try
                {
                    connections.Executor.RunAsync(host, command).GetAwaiter().GetResult();
                }
                catch (Exception exception) when (exception is not OutOfMemoryException)
                {
                    log.Error("{0}: the audit line could not be written ({1}).", host.Name, exception.Message);
                }
            }
        }

        if (PostHook is { } hook && !context.Options.Check)
        {
            var (hooks, run) = Hooks(context, _target, Release, Commit, hosts.Select(h => h.Name), line => log.Information(line), outcome);
            try
            {
                if (!hooks.Run(hook, run))
                {
                    log.Error("The {0} hook failed; the {1} itself {2}.", hook, _target, outcome);
                }
            }
            catch (ReleaseException exception)
            {
                log.Error(exception.Message);
            }
        }
    }

    private void WriteReport(DeployContext context, string outcome)
    {
        if (context.Options.Get<string?>(DeployOptions.Report) is not { } file)
        {
            return;
        }

        var path = Path.GetFullPath(file, context.RepositoryRoot);
        recorder.ConnectionsOpened = connections.ConnectionsOpened;
        var report = JsonNode.Parse(recorder.ToJson())!.AsObject();
        report["target"] = _target;
        report["environment"] = context.Settings.Environment;
        report["outcome"] = outcome;
        report["release"] = Release;
        report["commit"] = Commit;
        report["seconds"] = Math.Round(_clock.Elapsed.TotalSeconds, 1);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, redactor.Redact(report.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true })));
            log.Information("Report written to {0}", path);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            log.Error("The report could not be written to {0}: {1}", path, exception.Message);
        }
    }
}
