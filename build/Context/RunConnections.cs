using Cake.Core;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>
/// The run's SSH connections to the web hosts, shared by every task that reaches them (host
/// configuration, the database tunnel...): checked and made at the first such task, one connection
/// per host for the whole run, closed at its end.
/// </summary>
public sealed class RunConnections(ICakeLog log, SecretRedactor redactor) : IDisposable
{
    private SshConnectionPool? _pool;
    private IReadOnlyList<SshTarget> _webHosts = [];
    private IHostPorts _hostPorts = DirectHostPorts.Instance;

    /// <summary>Runs commands on the hosts over the run's connections; set once the connections are open.</summary>
    public IRemoteExecutor Executor { get; private set; } = null!;

    /// <summary>How the suite's checks reach the hosts' nginx (see <see cref="HostPortRoute"/>); set once the connections are open.</summary>
    public IHostPorts HostPorts => _hostPorts;

    /// <summary>Whether a task of the run asked for the connections (the web hosts are then known).</summary>
    public bool IsOpen => _pool is not null;

    /// <summary>The web hosts the run works on (after --hosts); empty until the connections are open.</summary>
    public IReadOnlyList<SshTarget> WebHosts => _webHosts;

    /// <summary>Connections opened so far (reuse keeps it at one per host).</summary>
    public int ConnectionsOpened => _pool?.ConnectionsOpened ?? 0;

    /// <summary>The pool and the web hosts, after every check that needs no connection; <paramref name="purpose"/> says what failed to start ("configure the hosts").</summary>
    public async Task<(SshConnectionPool Pool, IReadOnlyList<SshTarget> WebHosts)> OpenAsync(DeployContext context, string purpose)
    {
        if (_pool is not null)
        {
            return (_pool, _webHosts);
        }

        var settings = context.Settings;
        string? passphrase = null;
        if (settings.Ssh.PassphraseVariable.Length > 0)
        {
            passphrase = context.Environment.GetEnvironmentVariable(settings.Ssh.PassphraseVariable);
            if (!string.IsNullOrEmpty(passphrase))
            {
                redactor.Register(passphrase);
            }
        }

        var options = SshOptions.From(settings, context.RepositoryRoot, passphrase);
        IHostInventory inventory = settings.Provider == ProviderKind.Sandbox
            ? new SandboxHostInventory(settings)
            : await CakeAwsLog.HostsAsync(context);
        var hosts = HostSelection.Apply(inventory.WebHosts(), context.Options.Get<string?>(DeployOptions.Hosts));
        var verifier = new HostKeyVerifier(options.KnownHostsFile, options.TrustOnFirstUse);
        // Unknown hosts alone do not stop the run here: the key exchange then refuses each with its
        // fingerprint (before any login). With other problems, everything is reported together, unconnected.
        var problems = RemotePreflight.Check(options, hosts, verifier.KnownHosts);
        if (problems.Any(p => !p.Contains(RemotePreflight.UnknownHost, StringComparison.Ordinal)))
        {
            throw new CakeException($"Cannot {purpose} ({problems.Count} problem(s)); nothing was contacted:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        _pool = new SshConnectionPool(options, verifier);
        Executor = new SshExecutor(_pool, redactor.Redact, line => log.Information(line));
        _hostPorts = HostPortRoute.For(settings, _pool);
        if (_hostPorts is ForwardedHostPorts)
        {
            log.Verbose("The suite's checks of the hosts' nginx go through their SSH connections (a local forward to each host's own port).");
        }

        _webHosts = hosts;
        _pool.ConnectInBackground(hosts);
        return (_pool, _webHosts);
    }

    /// <summary>For tasks that cannot await: the same as <see cref="OpenAsync"/>.</summary>
    public IReadOnlyList<SshTarget> Open(DeployContext context, string purpose) =>
        OpenAsync(context, purpose).GetAwaiter().GetResult().WebHosts;

    public void Dispose()
    {
        if (_pool is null)
        {
            return;
        }

        log.Verbose("SSH connections opened: {0}", _pool.ConnectionsOpened);
        if (_hostPorts is ForwardedHostPorts forwarded)
        {
            log.Verbose("SSH forwards to the hosts' nginx opened: {0}", forwarded.Opened);
            forwarded.Dispose();
        }

        _hostPorts = DirectHostPorts.Instance;
        _pool.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _pool = null;
    }
}
