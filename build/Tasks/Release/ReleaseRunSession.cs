using Cake.Frosting;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tasks.Release;

/// <summary>
/// The run's release deploy, shared by the release tasks over the run's SSH session (the same
/// connections as ConfigureHost's). A run that ends with the deploy lock still held failed or was
/// stopped: its unfinished cutover is undone and its lock released here.
/// </summary>
public sealed class ReleaseRunSession(ICakeLog log, RunConnections connections, RunRecorder recorder, RunSignals signals) : IDisposable
{
    private ReleaseDeployer? _deployer;

    public ReleaseDeployer Deployer(DeployContext context)
    {
        if (_deployer is not null)
        {
            return _deployer;
        }

        var settings = context.Settings;
        if (LoadBalancerSession.Present(settings))
        {
            _ = RollTask.Size(context);
        }

        var hosts = connections.Open(context, "deploy the site");
        var options = new ReleaseOptions(
            settings.Site,
            Path.GetFullPath(settings.Site.Source, context.RepositoryRoot),
            Path.Combine(context.ArtifactsDirectory, "manifests", settings.Environment),
            TimeSpan.FromSeconds(settings.Timeouts.HealthCheckSeconds),
            // Behind the load balancer HTTPS ends there: the web hosts serve plain http and believe its X-Forwarded-Proto.
            Tls: LoadBalancerSettingsRules.InSandbox(settings) ? null : settings.Tls,
            TrustedRoots: TrustedRoots(context),
            Registry: settings.Site.Runtime == SiteRuntime.Container ? HostRegistry.For(settings, context.AwsOutputs?.RepositoryUri) : null,
            Engine: HostEngine.Of(settings.Container.HostEngine),
            Front: NginxFront.For(settings, LoadBalancerSettingsRules.InSandbox(settings) ? LoadBalancerSession.Host(settings).Address : null),
            HostPorts: connections.HostPorts);
        return _deployer = new ReleaseDeployer(connections.Executor, hosts, options, line => log.Information(line), line => log.Verbose(line), recorder, cancellation: signals.Stopping);
    }

    /// <summary>In the sandbox, the health check over https trusts only the sandbox's test CA (and, in files mode, the chain given); elsewhere the system's roots.</summary>
    public static IReadOnlyList<string> TrustedRoots(DeployContext context)
    {
        var settings = context.Settings;
        if (settings.Provider != ProviderKind.Sandbox)
        {
            return [];
        }

        return settings.Tls.Mode == TlsMode.Files
            ? [Path.Combine(context.RepositoryRoot, settings.Tls.CertificateChain)]
            : [Path.Combine(context.RepositoryRoot, settings.Sandbox.StateDirectory, AcmeTestCa.IssuingRootFile)];
    }

    /// <summary>The CA file curl needs to verify the site (the sandbox's test CA), relative to the checkout; none when the system's roots do or the site is on http.</summary>
    public string? CurlCaFile(DeployContext context) =>
        TrustedRoots(context) is [var file] && context.Settings.Tls.Mode != TlsMode.Off ? Path.GetRelativePath(context.RepositoryRoot, file) : null;

    /// <summary>Where the site's traffic enters, as the deploy's result names it: the sandbox's load balancer when there is one, else each web host (the ALB's name is among Provision's outputs).</summary>
    public IReadOnlyList<SshTarget> Entries(DeployContext context, ReleaseDeployer deployer) =>
        LoadBalancerSettingsRules.InSandbox(context.Settings) ? [LoadBalancerSession.Host(context.Settings)] : deployer.Hosts;

    /// <summary>The release PackageRelease made in this run, if it ran (BuildImage builds its image from it).</summary>
    public ReleasePackage? Packaged => _deployer?.PackagedRelease;

    /// <summary>The MD5 of the migrations Django has applied, as SetupDatabase read it in this run (null: not read, or none); Migrate decides with it.</summary>
    public string? AppliedMigrations { get; set; }

    /// <summary>Whether this run holds the deploy lock on the web hosts.</summary>
    public bool HoldsLock => _deployer is { HoldsLock: true };

    /// <summary>Whether this run's deploy found everything already serving as it would install it (see <see cref="ReleaseDeployer.UpToDate"/>).</summary>
    public bool UpToDate => _deployer is { UpToDate: true };

    /// <summary>
    /// Ends a run that failed or was stopped: undoes its unfinished cutover and releases the deploy lock
    /// it holds, if any; a failure to do so is reported, not thrown (the run's own error matters more).
    /// </summary>
    public void Abandon()
    {
        if (!HoldsLock)
        {
            return;
        }

        try
        {
            _deployer!.AbandonAsync().GetAwaiter().GetResult();
            log.Verbose("Deploy lock released.");
        }
        catch (Exception exception)
        {
            log.Error("Could not release the deploy lock ({0}); run the Unlock target once no deploy runs.", exception.Message);
        }
    }

    public void Dispose() => Abandon();
}
