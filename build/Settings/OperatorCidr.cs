using System.Net;
using System.Net.Sockets;

namespace CoralNet.Deploy.Settings;

/// <summary>
/// A block of operator addresses allowed to reach SSH, as written in Aws.OperatorCidrs: parsed even
/// with host bits set (203.0.113.7/24), which EC2 would keep as written and the suite normalises.
/// </summary>
public sealed record OperatorCidr(IPAddress Address, int Prefix)
{
    /// <summary>The narrowest prefixes that count as "from anywhere" unless Aws.AllowSshFromAnywhere is true.</summary>
    public const int WidestIpv4Prefix = 16;
    public const int WidestIpv6Prefix = 48;

    public static OperatorCidr? TryParse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !IPAddress.TryParse(parts[0], out var address)
            || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var prefix)
            || prefix > (address.AddressFamily == AddressFamily.InterNetworkV6 ? 128 : 32))
        {
            return null;
        }

        return new OperatorCidr(address, prefix);
    }

    /// <summary>Wider than an organisation's own block: SSH open to a large part of the internet.</summary>
    public bool IsWide => Prefix < (Address.AddressFamily == AddressFamily.InterNetworkV6 ? WidestIpv6Prefix : WidestIpv4Prefix);

    /// <summary>The block with its host bits cleared, as EC2 should hold it.</summary>
    public string Normalised
    {
        get
        {
            var bytes = Address.GetAddressBytes();
            for (var bit = Prefix; bit < bytes.Length * 8; bit++)
            {
                bytes[bit / 8] &= (byte)~(0x80 >> (bit % 8));
            }

            return $"{new IPAddress(bytes)}/{Prefix}";
        }
    }

    public override string ToString() => $"{Address}/{Prefix}";
}
