using System.Text;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Aws;

public sealed class HostKeysTests
{
    private static string Console(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    [Test]
    public void Keys_are_read_between_the_markers_and_noise_is_left_out()
    {
        var keys = HostKeys.FromConsoleOutput(Console(FakeAws.HostKeyConsole));

        Assert.That(keys.Select(Convert.ToBase64String), Is.EqualTo(new[] { FakeAws.EcdsaHostKey, FakeAws.Ed25519HostKey }));
        Assert.That(HostKeys.FromConsoleOutput(Console("booting...\n-----BEGIN SSH HOST KEY KEYS-----\n")), Is.Empty, "no END marker yet");
        Assert.That(HostKeys.FromConsoleOutput(null), Is.Empty);
    }

    [Test]
    public void Replace_makes_the_keys_the_host_s_only_entries_and_keeps_every_other_line()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("known-hosts-").FullName, "sub", "known_hosts");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllLines(file,
        [
            "# kept comment",
            "198.51.100.20 ssh-ed25519 " + FakeAws.Ed25519HostKey.Replace("BZd8", "AAAA"),
            "other.example ssh-ed25519 " + FakeAws.Ed25519HostKey,
            "@revoked 198.51.100.20 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIyakhF1D4cDBI5rg6VjCTneJRkLQcWM+LPoXIt7IL9N",
        ]);
        var keys = HostKeys.FromConsoleOutput(Console(FakeAws.HostKeyConsole));

        KnownHosts.Replace(file, "198.51.100.20", 22, keys);
        KnownHosts.Replace(file, "198.51.100.20", 2222, keys);

        var lines = File.ReadAllLines(file);
        Assert.That(lines[..2], Is.EqualTo(new[] { "# kept comment", "other.example ssh-ed25519 " + FakeAws.Ed25519HostKey }));
        Assert.That(lines, Has.Some.StartsWith("@revoked 198.51.100.20"));
        Assert.That(lines.Count(line => line.StartsWith("198.51.100.20 ", StringComparison.Ordinal)), Is.EqualTo(2));
        Assert.That(lines.Count(line => line.StartsWith("[198.51.100.20]:2222 ", StringComparison.Ordinal)), Is.EqualTo(2));
        var known = KnownHosts.Load(file);
        Assert.That(known.Problems, Is.Empty);
        Assert.That(keys.Select(key => known.Verify("198.51.100.20", 2222, key)), Is.All.EqualTo(HostKeyVerdict.Trusted));
        Assert.That(HostKeys.SameKeys(known.KeysFor("198.51.100.20", 22), keys), Is.True);
        Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(file))!, recursive: true);
    }
}
