using Cake.Core;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tasks.Aws;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Host;

/// <summary>
/// The run's SSH connections and host configuration, shared by the ConfigureHost tasks: made at the
/// first host task (after every check that needs no connection), closed at the end of the run with
/// the recap and, with --report=FILE.json, the report.
/// </summary>
public sealed class HostRunSession(ICakeLog log, SecretRedactor redactor) : IDisposable
{
    private SshConnectionPool? _pool;
    private HostConfiguration? _configuration;
    private string? _reportFile;

    public async Task RunTaskAsync(DeployContext context, string task)
    {
        _configuration ??= await StartAsync(context);
        await _configuration.RunTaskAsync(task);
    }

    private async Task<HostConfiguration> StartAsync(DeployContext context)
    {
        var settings = context.Settings;
        var root = context.RepositoryRoot;
        var check = context.Arguments.HasArgument("check") && context.Arguments.GetArgument("check") is not "false";
        _reportFile = context.Arguments.HasArgument("report") ? Path.GetFullPath(context.Arguments.GetArgument("report"), root) : null;

        string? passphrase = null;
        if (settings.Ssh.PassphraseVariable.Length > 0)
        {
            passphrase = context.Environment.GetEnvironmentVariable(settings.Ssh.PassphraseVariable);
            if (!string.IsNullOrEmpty(passphrase))
            {
                redactor.Register(passphrase);
            }
        }

        var options = new SshOptions(
            settings.Ssh.User,
            Path.GetFullPath(settings.Ssh.PrivateKey, root),
            passphrase,
            Path.GetFullPath(settings.Ssh.KnownHosts, root),
            settings.Ssh.TrustOnFirstUse,
            TimeSpan.FromSeconds(settings.Ssh.KeepAliveSeconds),
            TimeSpan.FromSeconds(settings.Timeouts.ConnectSeconds),
            TimeSpan.FromSeconds(settings.Timeouts.CommandSeconds));
        IHostInventory inventory = settings.Provider == ProviderKind.Sandbox
            ? new SandboxHostInventory(settings)
            : await CakeAwsLog.HostsAsync(context);
        var hosts = inventory.WebHosts();
        var verifier = new HostKeyVerifier(options.KnownHostsFile, options.TrustOnFirstUse);
        // Unknown hosts alone do not stop the run here: the key exchange then refuses each with its
        // fingerprint (before any login). With other problems, everything is reported together, unconnected.
        var problems = RemotePreflight.Check(options, hosts, verifier.KnownHosts);
        if (problems.Any(p => !p.Contains(RemotePreflight.UnknownHost, StringComparison.Ordinal)))
        {
            throw new CakeException($"Cannot configure the hosts ({problems.Count} problem(s)); nothing was contacted:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        log.Information("Configuring {0} host(s){1}: {2}", hosts.Count, check ? " in check mode (nothing will change)" : "", string.Join(", ", hosts));
        _pool = new SshConnectionPool(options, verifier);
        var executor = new SshExecutor(_pool, redactor.Redact);
        return new HostConfiguration(
            executor,
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
        recorder.ConnectionsOpened = _pool?.ConnectionsOpened ?? 0;
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

        _pool?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _configuration = null;
    }
}
