using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Tests.Sandbox;

namespace CoralNet.Deploy.Tests.Release;

public sealed partial class DeploySandboxTests
{
    [Test, Order(7)]
    public async Task With_nginx_closed_to_this_machine_a_deploy_checking_through_ssh_forwards_cuts_over()
    {
        var before = await ServingAsync();
        Touch("project/status/views.py", "# change for the forwarded check");
        await using var ssh = Ssh();
        using var ports = new ForwardedHostPorts(ssh.Pool);
        var options = new ReleaseOptions(Settings.Site, Site, Directory.CreateTempSubdirectory("manifests-").FullName, TimeSpan.FromSeconds(30), Tls: Settings.Tls,
            TrustedRoots: [Sandbox.Acme.IssuingRoot], HostPorts: ports);
        var deployer = new ReleaseDeployer(ssh.Executor, ssh.Hosts, options, TestContext.Progress.WriteLine, _ => { });
        var id = deployer.Package(DateTimeOffset.UtcNow);
        using (new ClosedWebPorts(Sandbox, Web.Name))
        {
            Assert.CatchAsync<HttpRequestException>(() => GetAsync("/health/"), "this machine no longer reaches web1's nginx");
            try
            {
                await deployer.LockAsync(DeployLockHolder.ThisRun(id), 0);
                await deployer.UploadAsync();
                await deployer.InstallRequirementsAsync(Settings.Database.Name);
                await deployer.CollectStaticAsync();
                await deployer.StartStandbyAsync();
                await deployer.ReloadNginxAsync();
                await deployer.HealthCheckAsync();
                await deployer.FinishAsync();
            }
            finally
            {
                await deployer.AbandonAsync();
            }
        }

        Assert.That(ports.Opened, Is.EqualTo(1), "one forward, to web1's 443, for every check");
        Assert.That(await ServingAsync(), Is.EqualTo(id).And.Not.EqualTo(before));
    }
}
