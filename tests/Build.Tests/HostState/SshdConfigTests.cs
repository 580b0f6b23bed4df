using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.HostState;

/// <summary>The sshd drop-in as rendered for each kind of environment, and checked by this machine's own sshd.</summary>
public sealed class SshdConfigTests
{
    private static readonly PersonSettings Alice = new() { Login = "alice", Keys = ["ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPersonKeyForTheSshdConfigTest alice@laptop"] };

    [TestCase(ProviderKind.Sandbox, true, "prohibit-password")]
    [TestCase(ProviderKind.Aws, false, "prohibit-password")]
    [TestCase(ProviderKind.Aws, true, "no")]
    public void Root_logs_in_by_key_only_and_not_at_all_on_AWS_once_a_person_has_a_login(ProviderKind provider, bool withPerson, string permitRootLogin)
    {
        var settings = new DeploySettings { Provider = provider, People = withPerson ? [Alice] : [] };

        var lines = ConfigureHostPlan.SshdConfig(settings).Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        Assert.That(lines, Is.EquivalentTo(new[]
        {
            "PasswordAuthentication no",
            "KbdInteractiveAuthentication no",
            "PermitEmptyPasswords no",
            "PubkeyAuthentication yes",
            "PermitRootLogin " + permitRootLogin,
        }));
    }

    [Test]
    public void This_machines_sshd_accepts_the_drop_in_and_refuses_a_broken_one()
    {
        using var folder = new TempDirectory();
        var dropIn = folder.Write("00-coralnet-deploy.conf", ConfigureHostPlan.SshdConfig(new DeploySettings { Provider = ProviderKind.Aws, People = [Alice] }));
        var check = $"cd '{folder.Path}' && {{ [ -f host_key ] || ssh-keygen -q -t ed25519 -N '' -f host_key; }} && /usr/sbin/sshd -t -f 00-coralnet-deploy.conf -h host_key";

        Assert.That(TempDirectory.RunSh(check).Code, Is.Zero);

        File.AppendAllText(dropIn, "PermitRootLogin sometimes\n");
        var (code, _, errors) = TempDirectory.RunSh(check);
        Assert.That(code, Is.Not.Zero);
        Assert.That(errors, Does.Contain("line 10").And.Contain("sometimes"));
    }
}
