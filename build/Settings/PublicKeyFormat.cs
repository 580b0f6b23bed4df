using System.Buffers.Binary;
using System.Text;

namespace CoralNet.Deploy.Settings;

/// <summary>Checks an OpenSSH public key line: "TYPE BASE64 [comment]", whose blob names the same type.</summary>
public static class PublicKeyFormat
{
    private static readonly string[] KnownTypes =
    [
        "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "ecdsa-sha2-nistp384", "ecdsa-sha2-nistp521",
        "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com",
    ];

    public static bool TryCheck(string line, out string error)
    {
        if (line.Trim().Any(char.IsControl))
        {
            // authorized_keys would get two lines (two keys, or a broken one) from it.
            error = "the key holds a line break (or another control character): write one key per entry, each on one line.";
            return false;
        }

        var parts = line.Trim().Split(' ', 3, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length < 2 || !KnownTypes.Contains(parts[0]))
        {
            error = "not an OpenSSH public key: expected 'ssh-ed25519 AAAA... comment' (or ssh-rsa, ecdsa-sha2-*).";
            return false;
        }

        byte[] blob;
        try
        {
            blob = Convert.FromBase64String(parts[1]);
        }
        catch (FormatException)
        {
            error = $"the {parts[0]} key's data is not valid base64.";
            return false;
        }

        if (TypeOf(blob) != parts[0])
        {
            error = $"the key's data does not hold a {parts[0]} key: was the line cut or edited?";
            return false;
        }

        error = "";
        return true;
    }

    /// <summary>The key type written at the start of an SSH public key blob ("ssh-ed25519", "ssh-rsa", ...), or null.</summary>
    public static string? TypeOf(byte[] blob)
    {
        if (blob.Length < 4)
        {
            return null;
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(blob);
        return length > blob.Length - 4 ? null : Encoding.ASCII.GetString(blob, 4, (int)length);
    }
}
