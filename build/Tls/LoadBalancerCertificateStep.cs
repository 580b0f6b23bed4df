using System.Diagnostics;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// After the roll, where HTTPS ends at the load balancer: the site's certificate there (acme: certbot,
/// only when missing, expiring within 30 days or for other names, by the same script as on a web host;
/// files: the chain and key given, in HAProxy's file), then HAProxy over https, checked over https. A
/// certbot failure is tried once per run: HAProxy keeps serving as before, and the error names the
/// likely causes. A first move to https whose check fails goes back to plain http.
/// </summary>
/// <param name="serveHttps">Installs HAProxy's configuration over https (true) or plain http (false), checked with haproxy -c.</param>
/// <param name="checkHttps">Null once the site answers over https through the load balancer, the chain and name verified; else what it answered.</param>
public sealed class LoadBalancerCertificateStep(IRemoteExecutor executor, SshTarget balancer, DeploySettings settings, RunRecorder recorder, Action<string> log,
    Func<bool, Task> serveHttps, Func<Task<string?>> checkHttps, string? chainFile = null, Secret? key = null)
{
    private readonly LoadBalancerTls _tls = new(settings.Site, settings.Tls);

    public async Task RunAsync()
    {
        if (settings.Tls.Mode == TlsMode.Off)
        {
            return;
        }

        var servesTls = LoadBalancerTls.Present(await RunAsync(_tls.ReadPem(), "read"));
        var changed = settings.Tls.Mode == TlsMode.Files ? await InstallFilesAsync() : await RequestAsync(servesTls);
        if (servesTls && !changed)
        {
            return;
        }

        await serveHttps(true);
        if (await checkHttps() is { } problem)
        {
            if (!servesTls)
            {
                await serveHttps(false);
            }

            throw new CertificateException($"{balancer.Name}: the site does not answer over https through the load balancer: {problem}");
        }
    }

    /// <summary>Files mode: the chain and key given, as one root-only file (HAProxy reloaded after haproxy -c when it changes).</summary>
    private async Task<bool> InstallFilesAsync()
    {
        var chain = File.ReadAllText(chainFile ?? throw new InvalidOperationException("Tls.Mode files needs the chain file."));
        var pem = new Secret(chain.TrimEnd('\n') + "\n" + (key ?? throw new InvalidOperationException("Tls.Mode files needs the key.")).Reveal().TrimEnd('\n') + "\n");
        const string reload = "if haproxy -c -q -f " + LoadBalancing.SandboxLoadBalancer.ConfigFile + " >/dev/null 2>&1; then systemctl reload haproxy; fi";
        var changed = RemoteCommand.ReportsChange((await RunAsync(HostFileCommands.InstallFile("HAProxy's certificate file", _tls.Pem, "0600", "root", new CommandInput.SecretText(pem), reload), "")).Stdout);
        Notice(CertificateLine.Of(chain), issued: false);
        return changed;
    }

    /// <summary>Acme mode: certbot (its HTTP-01 server behind HAProxy's port 80); HAProxy's file assembled when the host holds the certificate but not the file.</summary>
    private async Task<bool> RequestAsync(bool servesTls)
    {
        var command = _tls.Ensure();
        var clock = Stopwatch.StartNew();
        CommandResult result;
        try
        {
            result = await executor.RunAsync(balancer, command);
        }
        catch (RemoteCommandException exception) when (exception.ExitCode == CertificateCommands.CertbotFailed)
        {
            Record(command, ItemStatus.Failed, clock.Elapsed, "certbot failed");
            throw new CertificateException(CertificateStep.Explain(settings, balancer, exception.Stderr.Trim()));
        }

        var issued = RemoteCommand.ReportsChange(result.Stdout);
        Record(command, issued ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, issued ? "issued" : "");
        if (CertificateLine.Parse(result.Stdout) is { } certificate)
        {
            Notice(certificate, issued);
        }

        if (!issued && !servesTls)
        {
            await RunAsync(_tls.AssemblePem(), "");
        }

        return issued;
    }

    private async Task<CommandResult> RunAsync(RemoteCommand command, string note)
    {
        var clock = Stopwatch.StartNew();
        var result = await executor.RunAsync(balancer, command);
        Record(command, RemoteCommand.ReportsChange(result.Stdout) ? ItemStatus.Changed : ItemStatus.Ok, clock.Elapsed, note);
        return result;
    }

    private void Notice(CertificateLine certificate, bool issued)
    {
        log($"{balancer.Name}: {(issued ? "issued " : "")}{certificate}");
        recorder.Notice(balancer.Name, certificate.ToString());
    }

    private void Record(RemoteCommand command, ItemStatus status, TimeSpan duration, string note) =>
        recorder.Record(new ItemRecord(recorder.CurrentTask ?? "Certificate", balancer.Name, command.Summary, status, duration, note));
}
