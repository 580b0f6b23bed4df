using Cake.Core;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Host;

/// <summary>
/// The run's host configuration, shared by the ConfigureHost tasks over the run's SSH session: made at
/// the first host task, ended at the end of the run with the recap and, with --report=FILE.json, the report.
/// </summary>
public sealed class HostRunSession(ICakeLog log, SshRunSession ssh) : IDisposable
{
    private HostConfiguration? _configuration;
    private string? _reportFile;

    public async Task RunTaskAsync(DeployContext context, string task)
    {
        _configuration ??= Start(context);
        await _configuration.RunTaskAsync(task);
    }

    private HostConfiguration Start(DeployContext context)
    {
        var settings = context.Settings;
        var root = context.RepositoryRoot;
        var check = context.Arguments.HasArgument("check") && context.Arguments.GetArgument("check") is not "false";
        _reportFile = context.Arguments.HasArgument("report") ? Path.GetFullPath(context.Arguments.GetArgument("report"), root) : null;

        var hosts = ssh.Start(context, "ConfigureHost");
        log.Information("Configuring {0} host(s){1}: {2}", hosts.Count, check ? " in check mode (nothing will change)" : "", string.Join(", ", hosts));
        return new HostConfiguration(
            ssh.Executor,
            hosts,
            ConfigureHostPlan.Build(settings),
            new RunRecorder(check),
            line => log.Information(line),
            TimeSpan.FromSeconds(settings.Timeouts.RebootSeconds));
    }

    public void Dispose()
    {
        if (_configuration is null)
        {
            return;
        }

        var recorder = _configuration.Recorder;
        recorder.ConnectionsOpened = ssh.ConnectionsOpened;
        foreach (var line in recorder.Recap())
        {
            log.Information(line);
        }

        log.Verbose("SSH connections opened: {0}", recorder.ConnectionsOpened);
        if (_reportFile is not null)
        {
            recorder.WriteReport(_reportFile);
            log.Information("Report written to {0}", _reportFile);
        }

        _configuration = null;
    }
}
