using System.Diagnostics;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// After the cutover: the site's certificate on every web host (acme: requested by certbot only when
/// missing, expiring within 30 days, or for other names), then nginx over https on each host that holds
/// it, checked over https. A certbot failure is tried once per run, never in a loop: that host keeps
/// serving over http, and the error names the likely causes and what to do.
/// </summary>
/// <param name="chainFile">Files mode: the certificate chain file on this machine.</param>
/// <param name="key">Files mode: the certificate's private key.</param>
public sealed class CertificateStep(IRemoteExecutor executor, ReleaseDeployer deployer, DeploySettings settings, RunRecorder recorder, Action<string> log,
    string? chainFile = null, Secret? key = null)
{
    public const string StagingDirectory = "https://acme-staging-v02.api.letsencrypt.org/directory";

    private readonly CertificateCommands _commands = new(settings.Site, settings.Tls);

    public async Task RunAsync()
    {
        if (settings.Tls.Mode == TlsMode.Off)
        {
            return;
        }

        var failures = new List<string>();
        await Task.WhenAll(deployer.Hosts.Select(async host =>
        {
            var problem = await EnsureAsync(host);
            if (problem is not null)
            {
                lock (failures)
                {
                    failures.Add(problem);
                }
            }
        }));
        if (failures.Count > 0)
        {
            throw new CertificateException(string.Join(Environment.NewLine, failures));
        }
    }

    private Task<string?> EnsureAsync(SshTarget host) =>
        settings.Tls.Mode == TlsMode.Files ? InstallFilesAsync(host) : RequestAsync(host);

    /// <summary>Files mode: the chain and key given, installed as they are (nginx reloaded after nginx -t when they change under a serving site).</summary>
    private async Task<string?> InstallFilesAsync(SshTarget host)
    {
        var chain = File.ReadAllText(chainFile ?? throw new InvalidOperationException("Tls.Mode files needs the chain file."));
        const string reload = "if [ -e /etc/nginx/sites-enabled/" + "$site" + " ] && nginx -t >/dev/null 2>&1; then systemctl reload nginx; fi";
        var onChange = reload.Replace("$site", settings.Site.Name, StringComparison.Ordinal);
        var changed = false;
        foreach (var command in new[]
        {
            HostFileCommands.InstallFile("certificate chain", _commands.Paths.Chain, "0644", "root", new CommandInput.PlainText(chain), onChange),
            HostFileCommands.InstallFile("certificate key", _commands.Paths.Key, "0600", "root", new CommandInput.SecretText(key ?? throw new InvalidOperationException("Tls.Mode files needs the key.")), onChange),
        })
        {
            var clock = Stopwatch.StartNew();
            var result = await executor.RunAsync(host, command);
            var itemChanged = RemoteCommand.ReportsChange(result.Stdout);
            changed |= itemChanged;
            Record(host, command, itemChanged ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, "");
        }

        var certificate = CertificateLine.Of(chain);
        log($"{host.Name}: {certificate}");
        recorder.Notice(host.Name, certificate.ToString());
        if (changed || !deployer.ServesTls(host))
        {
            await deployer.ServeTlsAsync(host);
        }

        return null;
    }

    private async Task<string?> RequestAsync(SshTarget host)
    {
        var command = _commands.Ensure();
        if (deployer.CertificateUnderLock(host) is { } held)
        {
            Record(host, command, ItemStatus.Ok, TimeSpan.Zero, "read under the deploy lock");
            await ServeAsync(host, held, issued: false);
            return null;
        }

        var clock = Stopwatch.StartNew();
        CommandResult result;
        try
        {
            result = await executor.RunAsync(host, command);
        }
        catch (RemoteCommandException exception) when (exception.ExitCode == CertificateCommands.CertbotFailed)
        {
            Record(host, command, ItemStatus.Failed, clock.Elapsed, "certbot failed");
            return Explain(settings, host, exception.Stderr.Trim());
        }

        var changed = RemoteCommand.ReportsChange(result.Stdout);
        Record(host, command, changed ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, changed ? "issued" : "");
        await ServeAsync(host, CertificateLine.Parse(result.Stdout), changed);
        return null;
    }

    /// <summary>Says which certificate the host holds, and moves its nginx to https when it just got one or does not serve https yet.</summary>
    private async Task ServeAsync(SshTarget host, CertificateLine? certificate, bool issued)
    {
        if (certificate is not null)
        {
            log($"{host.Name}: {(issued ? "issued " : "")}{certificate}");
            recorder.Notice(host.Name, certificate.ToString());
        }

        if (issued || !deployer.ServesTls(host))
        {
            await deployer.ServeTlsAsync(host);
        }
    }

    /// <summary>Why certbot on <paramref name="host"/> (where the site's names lead the CA) got no certificate, likely, and what to do.</summary>
    public static string Explain(DeploySettings settings, SshTarget host, string certbotSaid)
    {
        var names = string.Join(", ", SiteTemplates.Names(settings.Site));
        var staging = settings.Tls.AcmeDirectory == TlsSettings.LetsEncrypt ? $" Rehearse against Let's Encrypt's staging directory: --tls_acmedirectory={StagingDirectory}." : "";
        return $"{host.Name}: no certificate for {names} from {settings.Tls.AcmeDirectory}; the site keeps serving as before there (over http if it had no certificate yet). Likely causes: "
            + $"a name does not resolve to this host ({host.Address}): check each with dig +short NAME; port 80 of the host is not reachable from the CA (security group, firewall); "
            + $"the CA's rate limit (Let's Encrypt: 5 duplicate certificates a week).{staging} Fix the cause and run Deploy again (it asks once per run). certbot said:{Environment.NewLine}{certbotSaid}";
    }

    private void Record(SshTarget host, RemoteCommand command, ItemStatus status, TimeSpan duration, string note) =>
        recorder.Record(new ItemRecord(recorder.CurrentTask ?? "Certificate", host.Name, command.Summary, status, duration, note));
}

/// <summary>No certificate could be had for one or more hosts; each is explained.</summary>
public sealed class CertificateException(string message) : Exception(message);
