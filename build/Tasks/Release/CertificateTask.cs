using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Certificate")]
[TaskDescription("Release: the site's certificate where HTTPS ends, the web hosts or the load balancer (Tls.Mode acme: certbot, only when missing, expiring within 30 days or for other names; files: the chain and key given), then nginx or HAProxy over https, checked over https; a failure keeps the site on http and names the likely causes")]
[IsDependentOn(typeof(HealthCheckTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class CertificateTask(ReleaseRunSession session, LoadBalancerSession balancer, RunConnections connections, RunRecorder recorder) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        if (!deployer.HoldsLock && context.Settings.Tls.Mode != TlsMode.Off)
        {
            // Run on its own (--exclusive): it changes nginx, so it takes the deploy lock itself (released as the run ends).
            await deployer.LockAsync(DeployLockHolder.ThisRun(deployer.Id ?? "none"), waitSeconds: 0, startsInstances: false);
        }

        if (LoadBalancerSettingsRules.InSandbox(context.Settings))
        {
            await balancer.CertificateAsync(context, deployer, ReleaseRunSession.TrustedRoots(context), "Certificate");
            return;
        }

        var tls = context.Settings.Tls;
        var files = tls.Mode == TlsMode.Files;
        await new CertificateStep(connections.Executor, deployer, context.Settings, recorder, line => context.Log.Information(line),
            files ? Path.Combine(context.RepositoryRoot, tls.CertificateChain) : null, files ? context.Secrets.Get(tls.CertificateKey) : null).RunAsync();
    }
}
