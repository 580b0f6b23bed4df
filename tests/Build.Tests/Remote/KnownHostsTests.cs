using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

public class KnownHostsTests
{
    // Keys and hashed lines made with ssh-keygen (-t ed25519 / -t rsa, then -H on a plain file).
    private const string Ed = "AAAAC3NzaC1lZDI1NTE5AAAAIHF+d9yoLZMc7kn5RC1Yc4PCzdVboqxAu9yut0aqYwyK";
    private const string Ed2 = "AAAAC3NzaC1lZDI1NTE5AAAAIMxJr3xbvswsJLUF0FsUkd49zGYZfKbS/Km2og1rhWTy";
    private const string Rsa = "AAAAB3NzaC1yc2EAAAADAQABAAABAQCQ1E8X9tDa+YuK9XQEjgVtVJtRh6+H+kQwQG0q4jNtQ0zASdOZGgv90HcGcWkSW3EW2GVwLbz+NKKLDtxgir6KsuNKRe3+nxh/fu6GEXWWOcCLI2CaPO4rnGVN861D9zkddq3tI/ammESAQ4ni9b5QLjnxsIzR7ng5iI2X/dZQ3gN97I0g7KaOemfeasDuIjgcpyt857FNyrjUUOTN8qdcqlHYOWer1mRVeQ70xiyKVsnUC7Ly+2eaMF89ydFbpHR8GojyI3sZ0rljCf4TR5ElQbB7iNTINp2iMesOXYE3kBGCmevOGl/l0zNa1FoeR1wghCA5Lewd3mjICSBK5wVj";
    private const string HashedWeb1 = "|1|1IqWXVqliqv6TIkpaB99bwpkVVw=|mbcmftCKZQ6BFBztfdtXyR7f3dI=";
    private const string HashedPort2222 = "|1|Km4yX//QFkJlHnWeSCkRIc8Y1AM=|Wi4G2Hk/DMAk4h/78OynXaUW9V4=";

    private static byte[] Key(string base64) => Convert.FromBase64String(base64);

    [Test]
    public void Fingerprints_match_ssh_keygen()
    {
        Assert.That(KnownHosts.Fingerprint(Key(Ed)), Is.EqualTo("SHA256:PwqCprDAnSvQc6YXp0CWaDWIcrsb6aBdemUCjVCIfPo"));
        Assert.That(KnownHosts.Fingerprint(Key(Rsa)), Is.EqualTo("SHA256:Ksh7yLacJDgwzr+eKjLK79Q+zc0IpdgATthJgs9/W+w"));
    }

    [Test]
    public void Hashed_entries_match_the_names_they_were_made_from_only()
    {
        var file = KnownHosts.Parse($"{HashedWeb1} ssh-ed25519 {Ed}\n{HashedPort2222} ssh-ed25519 {Ed}\n");
        Assert.That(file.Problems, Is.Empty);
        Assert.That(file.Verify("web1.example", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(file.Verify("10.0.0.5", 2222, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(file.Verify("10.0.0.5", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Unknown));
        Assert.That(file.Verify("web2.example", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Unknown));
        Assert.That(file.Verify("web1.example", 22, Key(Ed2)), Is.EqualTo(HostKeyVerdict.Changed));
    }

    [Test]
    public void Plain_entries_use_bracketed_host_and_port_for_other_ports()
    {
        var file = KnownHosts.Parse($"[127.0.0.1]:2200 ssh-ed25519 {Ed}\nweb1,10.213.0.2 ssh-rsa {Rsa} a comment\n");
        Assert.That(file.Verify("127.0.0.1", 2200, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(file.Verify("127.0.0.1", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Unknown));
        Assert.That(file.Verify("10.213.0.2", 22, Key(Rsa)), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(file.Verify("WEB1", 22, Key(Rsa)), Is.EqualTo(HostKeyVerdict.Trusted), "host names compare case-insensitively");
        Assert.That(file.Verify("10.213.0.2", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.OtherKeyType));
        Assert.That(file.KeyTypesFor("web1", 22), Is.EquivalentTo(new[] { "ssh-rsa" }));
    }

    [Test]
    public void Wildcards_and_negations_follow_openssh()
    {
        var file = KnownHosts.Parse($"10.213.0.*,!10.213.0.9 ssh-ed25519 {Ed}\n");
        Assert.That(file.Verify("10.213.0.3", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(file.Verify("10.213.0.9", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Unknown));
        Assert.That(file.Verify("10.213.1.3", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Unknown));
    }

    [Test]
    public void A_revoked_key_is_refused_even_when_listed_and_cert_authorities_vouch_for_nothing()
    {
        var file = KnownHosts.Parse($"web1 ssh-ed25519 {Ed}\n@revoked * ssh-ed25519 {Ed}\n@cert-authority *.example ssh-rsa {Rsa}\n");
        Assert.That(file.Verify("web1", 22, Key(Ed)), Is.EqualTo(HostKeyVerdict.Revoked));
        Assert.That(file.Verify("a.example", 22, Key(Rsa)), Is.EqualTo(HostKeyVerdict.Unknown));
    }

    [Test]
    public void Bad_lines_are_reported_with_their_number_and_not_used()
    {
        var file = KnownHosts.Parse($"# comment\n\nweb1 ssh-ed25519 not-base64!\nweb2 ssh-rsa {Ed}\n@weird web3 ssh-ed25519 {Ed}\nweb4 ssh-ed25519\nweb5 ssh-ed25519 {Ed}\n");
        Assert.That(file.Problems, Has.Count.EqualTo(4));
        Assert.That(file.Problems[0], Does.StartWith("line 3:"));
        Assert.That(file.Problems[1], Does.StartWith("line 4:").And.Contain("ssh-rsa"));
        Assert.That(file.Problems[2], Does.Contain("@weird"));
        Assert.That(file.Entries.Select(e => e.Patterns), Is.EqualTo(new[] { "web5" }));
    }

    [Test]
    public void Appended_keys_are_trusted_and_written_as_openssh_reads_them()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kh-{Guid.NewGuid():N}", "known_hosts");
        try
        {
            File.WriteAllText(Path.Combine(Directory.CreateDirectory(Path.GetDirectoryName(path)!).FullName, "known_hosts"), $"web9 ssh-rsa {Rsa}");
            var file = KnownHosts.Load(path);
            file.Append(path, "127.0.0.1", 2200, Key(Ed));
            Assert.That(file.Verify("127.0.0.1", 2200, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
            Assert.That(File.ReadAllText(path), Is.EqualTo($"web9 ssh-rsa {Rsa}\n[127.0.0.1]:2200 ssh-ed25519 {Ed}\n"));
            Assert.That(KnownHosts.Load(path).Verify("127.0.0.1", 2200, Key(Ed)), Is.EqualTo(HostKeyVerdict.Trusted));
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(path)!, recursive: true);
        }
    }

    [Test]
    public void Unknown_host_refusal_names_the_fingerprint_and_how_to_pin_it_and_changed_keys_are_refused_even_with_trust_on_first_use()
    {
        var path = Path.Combine(Path.GetTempPath(), $"kh-{Guid.NewGuid():N}");
        try
        {
            File.WriteAllText(path, $"[127.0.0.1]:2200 ssh-ed25519 {Ed}\n");
            var strict = new HostKeyVerifier(path, trustOnFirstUse: false);
            var unknown = strict.Check(new SshTarget("web2", "127.0.0.2", 2200), Key(Ed2));
            Assert.That(unknown, Does.Contain(KnownHosts.Fingerprint(Key(Ed2))).And.Contain("Ssh.TrustOnFirstUse").And.Contain("--ssh_trustonfirstuse=true"));

            var trusting = new HostKeyVerifier(path, trustOnFirstUse: true);
            Assert.That(trusting.Check(new SshTarget("web1", "127.0.0.1", 2200), Key(Ed2)), Does.Contain("CHANGED"));
            Assert.That(trusting.Check(new SshTarget("web2", "127.0.0.2", 2200), Key(Ed2)), Is.Null);
            Assert.That(File.ReadAllText(path), Does.Contain($"[127.0.0.2]:2200 ssh-ed25519 {Ed2}"));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
