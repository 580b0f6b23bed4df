using System.Net;
using System.Net.Sockets;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws;

/// <summary>One ingress rule of a security group (protocol, ports), from a CIDR block or from another group.</summary>
public sealed record IngressRule(string Protocol, int FromPort, int ToPort, string? Cidr, string? SourceGroupId)
{
    public static IngressRule FromCidr(int port, string cidr) => new("tcp", port, port, cidr, null);

    public static IngressRule FromGroup(int port, string? groupId, string groupName = "the web group") => new("tcp", port, port, null, groupId ?? $"({groupName}, once made)");

    public override string ToString() =>
        $"{(Protocol == "-1" ? "all" : Protocol)} {(FromPort == ToPort ? FromPort.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{FromPort}-{ToPort}")} from {Cidr ?? SourceGroupId}";

    /// <summary>The permission that authorizes or revokes exactly this rule.</summary>
    public IpPermission ToPermission()
    {
        var permission = new IpPermission { IpProtocol = Protocol, FromPort = FromPort, ToPort = ToPort };
        if (SourceGroupId is not null)
        {
            permission.UserIdGroupPairs = [new UserIdGroupPair { GroupId = SourceGroupId }];
        }
        else if (IPNetwork.Parse(Cidr!).BaseAddress.AddressFamily == AddressFamily.InterNetworkV6)
        {
            permission.Ipv6Ranges = [new Ipv6Range { CidrIpv6 = Cidr }];
        }
        else
        {
            permission.Ipv4Ranges = [new IpRange { CidrIp = Cidr }];
        }

        return permission;
    }

    /// <summary>The rules a group's permissions hold, one per protocol, ports and source.</summary>
    public static IReadOnlyList<IngressRule> FromPermissions(IEnumerable<IpPermission>? permissions) =>
        (permissions ?? []).SelectMany(permission =>
        {
            IngressRule Rule(string? cidr, string? group) =>
                new(permission.IpProtocol, permission.FromPort ?? -1, permission.ToPort ?? -1, cidr, group);
            return (permission.Ipv4Ranges ?? []).Select(range => Rule(range.CidrIp, null))
                .Concat((permission.Ipv6Ranges ?? []).Select(range => Rule(range.CidrIpv6, null)))
                .Concat((permission.UserIdGroupPairs ?? []).Select(pair => Rule(null, pair.GroupId)));
        }).ToList();
}
