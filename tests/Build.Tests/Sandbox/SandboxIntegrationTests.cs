using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>The sandbox issue's "Done when": real hosts from nothing, SSH with host-key checking, apt through the proxy, a reboot, and a clean SandboxDown.</summary>
[Category("Integration")]
[NonParallelizable]
public sealed class SandboxIntegrationTests
{
    private static readonly string[] WebHosts = ["web1", "web2", "web3"];

    [Test]
    public void Hosts_boot_from_nothing_answer_over_SSH_install_through_the_proxy_reboot_and_leave_nothing_behind()
    {
        var (settings, secrets) = SandboxHosts.LoadSettings(new Dictionary<string, string> { ["Sandbox_WebHosts"] = string.Join(',', WebHosts) });
        var sandbox = SandboxHosts.For(settings, secrets);
        sandbox.Down();
        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty, "the sandbox was not down before the test");

        try
        {
            var hosts = sandbox.Up();
            Assert.That(hosts.Select(h => h.Name), Is.EqualTo(WebHosts.Append("db1")));

            foreach (var host in hosts)
            {
                var result = Run(sandbox, host, "hostname; systemctl is-system-running --wait || true");
                var lines = result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
                Assert.That(lines[0], Is.EqualTo(host.Name));
                if (lines[1] == "degraded")
                {
                    TestContext.Out.WriteLine($"{host.Name} is degraded: " + Run(sandbox, host, "systemctl --failed --no-legend"));
                }

                Assert.That(lines[1], Is.AnyOf("running", "degraded"), host.Name);
                Assert.That(Run(sandbox, host, "ip route"), Does.Not.Contain("default"), $"{host.Name} must reach only the bridge");
            }

            // Installing a package: the hosts have no route out, so it can only come through the proxy.
            var web2 = sandbox.Addresses["web2"];
            Assert.That(Run(sandbox, web2, "apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q hello >/dev/null && hello"), Is.EqualTo("Hello, world!\n"));
            Assert.That(File.ReadAllText("/var/log/apt-cacher-ng/apt-cacher.log"), Does.Contain($"|{web2.Address}|").And.Contain("/hello_"));

            // The database host stands in for RDS: the master user logs in over TCP with its password (scram), a wrong one is refused.
            var db = sandbox.Addresses["db1"];
            var password = secrets.Get(settings.Database.MasterPassword).Reveal();
            var login = $"IFS= read -r p; PGPASSWORD=\"$p\" psql -h {db.Address} -U {settings.Database.MasterUser} -d postgres -tAc 'select current_user'";
            Assert.That(sandbox.Ssh(db, login, password + "\n").Output.Trim(), Is.EqualTo(settings.Database.MasterUser));
            var refused = sandbox.Ssh(db, login, "wrong-password\n");
            Assert.That(refused.Succeeded, Is.False);
            Assert.That(refused.Error, Does.Contain("password authentication failed"));

            // A reboot inside behaves like a real one: the host comes back, with a fresh /run and the same host key.
            var web1 = sandbox.Addresses["web1"];
            Run(sandbox, web1, "touch /run/before-reboot");
            sandbox.Ssh(web1, "systemctl reboot");
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            LocalResult after;
            do
            {
                Thread.Sleep(500);
                after = sandbox.Ssh(web1, "test ! -e /run/before-reboot && systemctl is-system-running --wait");
            }
            while (!after.Succeeded && DateTime.UtcNow < deadline);

            Assert.That(after.Succeeded, Is.True, "web1 did not come back after a reboot: " + after.Error);
            Assert.That(File.ReadAllText(sandbox.Layout.ConsoleLog("web1")), Does.Contain("rebooting"));
            Assert.That(sandbox.IsRunning("web1"), Is.True);
        }
        finally
        {
            sandbox.Down();
        }

        Assert.That(SandboxHosts.Leftovers(sandbox), Is.Empty);
        Assert.That(Directory.Exists(sandbox.Layout.Base), Is.True, "the base stays for the next run");
    }

    private static string Run(LocalSandbox sandbox, SandboxHost host, string command)
    {
        var result = sandbox.Ssh(host, command);
        Assert.That(result.Succeeded, Is.True, $"{host.Name}: '{command}' failed ({result.ExitCode}): {result.Error}");
        return result.Output;
    }
}
