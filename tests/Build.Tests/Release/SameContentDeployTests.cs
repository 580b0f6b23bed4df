using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using static CoralNet.Deploy.Tests.Release.ModelSite;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>A deploy of the files that already serve makes no new release: the serving one is deployed again (the hosts modelled as in <see cref="CutoverFaultTests"/>).</summary>
public sealed class SameContentDeployTests
{
    private static readonly SiteEnvironment Environment = new("coralnet", "coralnet", new Secret("db-password"), "192.0.2.9", 5432, new Secret("secret-key"), ["coralnet.example.org"], "bucket");

    [TestCase(true)]
    [TestCase(false)]
    public async Task The_serving_release_with_the_same_files_is_deployed_again_and_nothing_is_uploaded(bool sameFiles)
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        using var cache = new TempDirectory();
        var hosts = Targets.ToDictionary(t => t.Name, t => ModelHost.Serving(t.Name, Old, Older));
        var executor = new ModelExecutor(hosts);
        var deployer = Deployer(hosts, executor, site.Path, cache.Path);
        var packaged = deployer.Package(DateTimeOffset.UtcNow);
        var content = ReleasePackage.Take(site.Path, DateTimeOffset.UtcNow).ContentHash;
        foreach (var host in hosts.Values)
        {
            host.Contents[Old] = sameFiles ? content : new string('0', 64);
        }

        await deployer.LockAsync(DeployLockHolder.ThisRun(packaged), 0);

        Assert.That(await deployer.CheckUpToDateAsync(Environment, force: false), Is.False, "the model hosts have none of the files a deploy installs");
        if (!sameFiles)
        {
            Assert.That(deployer.Id, Is.EqualTo(packaged), "other files: a new release");
            return;
        }

        Assert.That(deployer.Id, Is.EqualTo(Old), "the serving release, not a new one");
        var sent = executor.StepsPerCall.Count;
        await deployer.UploadAsync();
        await deployer.InstallRequirementsAsync("coralnet");
        await deployer.CollectStaticAsync();
        Assert.That(executor.StepsPerCall, Has.Count.EqualTo(sent), "nothing uploaded or installed");

        await deployer.StartStandbyAsync();
        await deployer.ReloadNginxAsync();
        await deployer.HealthCheckAsync();
        await deployer.FinishAsync();

        foreach (var host in hosts.Values)
        {
            Assert.That(host.Releases, Is.EqualTo(new[] { Older, Old }), $"{host.Name}: no release made");
            Assert.That(host.Served, Is.EqualTo(Old));
            Assert.That(host.NginxSlot, Is.EqualTo(8002), $"{host.Name}: restarted in the other instance (settings may have changed)");
            Assert.That(host.Locked, Is.False);
        }
    }
}
