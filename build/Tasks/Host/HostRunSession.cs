using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Host;

/// <summary>
/// The run's host configuration, shared by the ConfigureHost tasks over the run's SSH session: made at
/// the first host task, ended at the end of the run (the report of --report=FILE.json is RunAudit's, for every target).
/// </summary>
public sealed class HostRunSession(ICakeLog log, RunConnections connections, RunRecorder recorder, ReleaseRunSession release) : IDisposable
{
    private HostConfiguration? _configuration;
    private IReadOnlyDictionary<SshTarget, string> _inspectedUnderLock = new Dictionary<SshTarget, string>();

    public async Task RunTaskAsync(DeployContext context, string task)
    {
        _configuration ??= await StartAsync(context);
        await _configuration.RunTaskAsync(task);
    }

    /// <summary>The probe of the whole host plan, for the deploy lock's round trip: the host tasks that follow the lock need no round trip of their own to inspect the hosts.</summary>
    public static RemoteCommand ProbeUnderLock(DeployContext context) => HostConfiguration.ProbeCommand(Plan(context, allowReboot: false));

    /// <summary>What <see cref="ProbeUnderLock"/> printed on each host, read with the lock: the host configuration starts from it.</summary>
    public void InspectedUnderLock(IReadOnlyDictionary<SshTarget, string> reports) => _inspectedUnderLock = reports;

    private async Task<HostConfiguration> StartAsync(DeployContext context)
    {
        var settings = context.Settings;
        var check = recorder.Check;
        var allowReboot = settings.Host.AllowReboot || context.Options.Get<bool>(ConfigureHostTask.AllowRebootOption);
        if (allowReboot && !release.HoldsLock && !check)
        {
            // A host step run on its own (--exclusive) has not taken the lock: a reboot then stays pending.
            log.Warning("A reboot is allowed only under the deploy lock, which this run does not hold: run ConfigureHost or Deploy without --exclusive to reboot.");
            allowReboot = false;
        }

        var (_, hosts) = await connections.OpenAsync(context, "configure the hosts");
        log.Verbose("Configuring {0} host(s){1}: {2}", hosts.Count, check ? " in check mode (nothing will change)" : "", string.Join(", ", hosts));
        var configuration = new HostConfiguration(
            connections.Executor,
            hosts,
            Plan(context, allowReboot),
            recorder,
            line => log.Verbose(line),
            TimeSpan.FromSeconds(settings.Timeouts.RebootSeconds));
        foreach (var (host, report) in _inspectedUnderLock)
        {
            configuration.InspectedElsewhere(host, report);
        }

        return configuration;
    }

    private static IReadOnlyList<PlannedTask> Plan(DeployContext context, bool allowReboot) =>
        ConfigureHostPlan.Build(context.Settings, allowReboot, acmeCaBundle: TlsHostPlan.AcmeCaBundle(context.Settings, context.RepositoryRoot), repositoryUri: context.AwsOutputs?.RepositoryUri);

    public void Dispose()
    {
        if (_configuration is null)
        {
            return;
        }

        // The recap, of the whole run, is printed last by RunOutput.
        recorder.ConnectionsOpened = connections.ConnectionsOpened;
        _configuration = null;
    }
}
