using Renci.SshNet;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// What the suite offers an SSH server besides host keys (those follow known_hosts, see <see cref="SshConnectionPool"/>):
/// modern algorithms only, which OpenSSH 9.2 (Debian 12) and later have, so that the key exchange's lists are short
/// (they cross at every connection). Post-quantum hybrid key exchanges come first, as OpenSSH orders them; AEAD
/// ciphers come first: they authenticate each packet with a 16-byte tag, where a cipher with HMAC adds 32 bytes.
/// </summary>
public static class SshAlgorithms
{
    public static readonly IReadOnlyList<string> KeyExchange =
        ["mlkem768x25519-sha256", "sntrup761x25519-sha512", "sntrup761x25519-sha512@openssh.com", "curve25519-sha256", "curve25519-sha256@libssh.org"];

    public static readonly IReadOnlyList<string> Ciphers =
        ["aes128-gcm@openssh.com", "aes256-gcm@openssh.com", "chacha20-poly1305@openssh.com", "aes128-ctr", "aes256-ctr"];

    /// <summary>Used with a CTR cipher only: encrypt-then-MAC.</summary>
    public static readonly IReadOnlyList<string> Macs = ["hmac-sha2-256-etm@openssh.com", "hmac-sha2-512-etm@openssh.com"];

    /// <summary>Leaves in <paramref name="connection"/>'s offer only these algorithms, in this order.</summary>
    public static void Restrict(ConnectionInfo connection)
    {
        Keep(connection.KeyExchangeAlgorithms, KeyExchange);
        Keep(connection.Encryptions, Ciphers);
        Keep(connection.HmacAlgorithms, Macs);
    }

    private static void Keep<T>(IOrderedDictionary<string, T> offered, IReadOnlyList<string> names)
    {
        var kept = names.Select(name => offered.TryGetValue(name, out var value) ? (name, value) : throw new InvalidOperationException($"SSH.NET no longer offers {name}."));
        var ordered = kept.ToList();
        offered.Clear();
        foreach (var (name, value) in ordered)
        {
            offered.Add(name, value);
        }
    }
}
