using Cake.Core;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks;

/// <summary>
/// The run's SSH connections to the web hosts, shared by every task that reaches a host (ConfigureHost
/// and the release deploy): one connection per host for the whole run, opened at first use after
/// every check that needs no connection, closed when the run ends.
/// </summary>
public sealed class SshRunSession(SecretRedactor redactor) : IDisposable
{
    private SshConnectionPool? _pool;

    public IReadOnlyList<SshTarget> Hosts { get; private set; } = [];

    public IRemoteExecutor Executor { get; private set; } = null!;

    public int ConnectionsOpened => _pool?.ConnectionsOpened ?? 0;

    /// <summary>Checks the SSH settings and the hosts (once per run) and makes the executor; <paramref name="what"/> names the job in errors.</summary>
    public IReadOnlyList<SshTarget> Start(DeployContext context, string what)
    {
        if (_pool is not null)
        {
            return Hosts;
        }

        var settings = context.Settings;
        var root = context.RepositoryRoot;
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
            : throw new CakeException($"{what} on AWS needs the EC2 inventory, which is not built yet.");
        var hosts = inventory.WebHosts();
        var verifier = new HostKeyVerifier(options.KnownHostsFile, options.TrustOnFirstUse);
        // Unknown hosts alone do not stop the run here: the key exchange then refuses each with its
        // fingerprint (before any login). With other problems, everything is reported together, unconnected.
        var problems = RemotePreflight.Check(options, hosts, verifier.KnownHosts);
        if (problems.Any(p => !p.Contains(RemotePreflight.UnknownHost, StringComparison.Ordinal)))
        {
            throw new CakeException($"Cannot reach the hosts for {what} ({problems.Count} problem(s)); nothing was contacted:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", problems));
        }

        _pool = new SshConnectionPool(options, verifier);
        Executor = new SshExecutor(_pool, redactor.Redact);
        Hosts = hosts;
        return hosts;
    }

    public void Dispose()
    {
        _pool?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _pool = null;
    }
}
