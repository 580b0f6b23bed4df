using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

public class PreflightTests
{
    [Test]
    public void Key_known_hosts_and_unknown_host_problems_are_reported_together()
    {
        var known = KnownHosts.Parse("web1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHF+d9yoLZMc7kn5RC1Yc4PCzdVboqxAu9yut0aqYwyK\nbroken line\n");
        var options = new SshOptions("root", "/nonexistent/id_ed25519", null, "known_hosts", false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        var problems = RemotePreflight.Check(options, [new SshTarget("web1", "web1"), new SshTarget("web2", "10.213.0.3")], known);
        Assert.That(problems, Has.Count.EqualTo(3));
        Assert.That(problems[0], Does.Contain("Ssh.PrivateKey").And.Contain("/nonexistent/id_ed25519"));
        Assert.That(problems[1], Does.Contain("line 2"));
        Assert.That(problems[2], Does.StartWith("web2 (10.213.0.3): unknown host").And.Contain("--ssh_trustonfirstuse=true"));
        Assert.That(RemotePreflight.Check(options with { TrustOnFirstUse = true }, [new SshTarget("web2", "10.213.0.3")], known), Has.Count.EqualTo(2));
    }
}
