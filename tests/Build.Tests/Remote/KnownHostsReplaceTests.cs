using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

public sealed class KnownHostsReplaceTests
{
    private static byte[] Key(string type, byte filler) =>
        [.. new byte[] { 0, 0, 0, (byte)type.Length }, .. Encoding.ASCII.GetBytes(type), .. Enumerable.Repeat(filler, 32)];

    private static string Hashed(string name)
    {
        var salt = RandomNumberGenerator.GetBytes(20);
        return $"|1|{Convert.ToBase64String(salt)}|{Convert.ToBase64String(HMACSHA1.HashData(salt, Encoding.UTF8.GetBytes(name)))}";
    }

    [Test]
    public void Replacing_a_hosts_keys_drops_its_hashed_lines_and_keeps_other_hosts_pins()
    {
        var path = Path.GetTempFileName();
        try
        {
            var old = KnownHosts.FormatLine("203.0.113.9", 22, Key("ssh-ed25519", 1)).Split(' ', 2)[1];
            var other = KnownHosts.FormatLine("198.51.100.1", 22, Key("ssh-ed25519", 2)).Split(' ', 2)[1];
            File.WriteAllLines(path,
            [
                "# pinned by hand",
                $"{Hashed("203.0.113.9")} {old}",
                $"203.0.113.9,198.51.100.1 {old}",
                $"{Hashed("198.51.100.1")} {other}",
                "@revoked * " + old,
            ]);
            var fresh = Key("ssh-ed25519", 3);

            KnownHosts.Replace(path, "203.0.113.9", 22, [fresh]);

            var known = KnownHosts.Load(path);
            Assert.That(known.KeysFor("203.0.113.9", 22), Is.EqualTo(new[] { fresh }), "the old key is trusted by no line");
            Assert.That(known.KeysFor("198.51.100.1", 22), Has.Count.EqualTo(2), "the other host keeps both of its lines");
            var lines = File.ReadAllLines(path);
            Assert.That(lines[0], Is.EqualTo("# pinned by hand"));
            Assert.That(lines, Has.Some.StartsWith("198.51.100.1 ssh-ed25519"));
            Assert.That(lines, Has.Some.StartsWith("@revoked * "));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
