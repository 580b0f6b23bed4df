using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>
/// The set-up of a class that runs on the sandbox's hosts: the sandbox environment's settings with the class's
/// <see cref="Overrides"/>, the hosts up (booted fresh when the class says so; else those the class before kept up),
/// a client asking the site over https, and, when the class names one, a copy of the sample site to deploy and change.
/// Hosts stay up after a class for the next one, but a class whose hosts ran the site's containers (Site.Runtime
/// container) takes them down at the end: such a host is not moved to the host runtime in place (SlotInstances
/// refuses it), so the classes after it need fresh hosts. NUnit runs this OneTimeSetUp before a derived class's
/// own and this OneTimeTearDown after it.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public abstract class SandboxFixture
{
    private string? _site;
    private HttpClient? _https;

    /// <summary>The class's settings, as Section_Key overrides of the sandbox environment's; the suite gets them as options.</summary>
    protected virtual IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string>();

    /// <summary>
    /// Whether the hosts are booted fresh for the class (SandboxDown, then SandboxUp): what an earlier class left
    /// on them (a configured host, a role, a release) would hide a first-run mistake.
    /// </summary>
    protected abstract bool FreshHosts { get; }

    /// <summary>The prefix of the temporary folder holding the class's copy of the sample site; null for none.</summary>
    protected virtual string? SiteCopyPrefix => null;

    protected DeploySettings Settings { get; private set; } = null!;

    protected SecretStore Secrets { get; private set; } = null!;

    protected LocalSandbox Sandbox { get; private set; } = null!;

    /// <summary>The first web host.</summary>
    protected SandboxHost Web => Sandbox.Addresses[Settings.Sandbox.WebHosts[0]];

    /// <summary>Where <see cref="Https"/> asks the site: the first web host, or a class's load balancer.</summary>
    protected virtual SandboxHost Front => Web;

    /// <summary>The site as a browser asks it: by its name at <see cref="Front"/>, the chain checked against the sandbox's ACME CA.</summary>
    protected HttpClient Https => _https ??= SiteClient.For(Front.Address.ToString(), [Sandbox.Acme.IssuingRoot], TimeSpan.FromSeconds(10));

    /// <summary>The class's copy of the sample site.</summary>
    protected string Site => _site ?? throw new InvalidOperationException($"{GetType().Name} names no {nameof(SiteCopyPrefix)}: it has no copy of the sample site.");

    /// <summary>What a class reads of this machine before the sandbox changes anything.</summary>
    protected virtual void BeforeHostsUp()
    {
    }

    [OneTimeSetUp]
    public void StartSandbox()
    {
        BeforeHostsUp();
        (Settings, Secrets) = SandboxHosts.LoadSettings(Overrides);
        Sandbox = SandboxHosts.For(Settings, Secrets);
        if (FreshHosts)
        {
            Sandbox.Down();
        }

        Sandbox.Up();
        if (SiteCopyPrefix is { } prefix)
        {
            _site = SampleSiteCopy.Make(prefix);
        }
    }

    [OneTimeTearDown]
    public void StopSandbox()
    {
        _https?.Dispose();
        if (_site is not null)
        {
            Directory.Delete(_site, recursive: true);
        }

        if (Settings?.Site.Runtime == SiteRuntime.Container)
        {
            Sandbox?.Down();
        }
    }

    /// <summary>The suite's command line: <paramref name="args"/>, the class's overrides as options, and its site copy when it has one.</summary>
    protected string[] SuiteArguments(params string[] args) =>
        [.. args, .. Overrides.Select(pair => $"--{pair.Key.ToLowerInvariant()}={pair.Value}"), .. _site is null ? [] : new[] { "--site_source=" + _site }];
}
