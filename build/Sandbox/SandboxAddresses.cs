using CoralNet.Deploy.Settings;
using System.Net;

namespace CoralNet.Deploy.Sandbox;

/// <summary>One sandbox host: its name, its address on the bridge, and whether it stands in for the database or the load balancer (else: a web host).</summary>
public sealed record SandboxHost(string Name, IPAddress Address, bool IsDatabase, bool IsLoadBalancer = false)
{
    public bool IsWeb => !IsDatabase && !IsLoadBalancer;
}

/// <summary>
/// The sandbox's addresses on its private /24: the bridge takes .1, each host a further address
/// that follows from its name alone (a hash of the name, probing upwards on a collision), so a host
/// keeps its address when other hosts are added or removed.
/// </summary>
public sealed class SandboxAddresses
{
    private const int FirstHost = 2;
    private const int LastHost = 254;

    /// <param name="loadBalancer">The load balancer host's name; empty: none.</param>
    public SandboxAddresses(string subnet, IEnumerable<string> webHosts, string databaseHost, string loadBalancer = "")
    {
        if (!IPNetwork.TryParse(subnet, out var network) || network.PrefixLength != 24
            || network.BaseAddress.AddressFamily != System.Net.Sockets.AddressFamily.InterNetwork)
        {
            throw new SandboxException($"Sandbox.Subnet '{subnet}' is not an IPv4 /24 such as 10.213.0.0/24.");
        }

        Subnet = network;
        Bridge = At(1);
        var taken = new HashSet<int>();
        var hosts = new List<SandboxHost>();
        // Names claim slots in a fixed order (sorted), so a collision resolves the same way every time.
        var balancers = loadBalancer.Length > 0 ? [loadBalancer] : Array.Empty<string>();
        var names = webHosts.Select(n => (Name: n, IsDatabase: false)).Append((Name: databaseHost, IsDatabase: true)).Concat(balancers.Select(n => (Name: n, IsDatabase: false)));
        foreach (var (name, isDatabase) in names.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            var slot = PreferredSlot(name);
            while (!taken.Add(slot))
            {
                slot = slot == LastHost ? FirstHost : slot + 1;
            }

            hosts.Add(new SandboxHost(name, At(slot), isDatabase, balancers.Contains(name)));
        }

        var order = webHosts.Concat(balancers).Append(databaseHost).ToList();
        Hosts = hosts.OrderBy(h => order.IndexOf(h.Name)).ToList();
    }

    /// <summary>The addresses of the hosts a sandbox's settings name.</summary>
    public static SandboxAddresses Of(SandboxSettings sandbox) => new(sandbox.Subnet, sandbox.WebHosts, sandbox.DatabaseHost, sandbox.LoadBalancer);

    public IPNetwork Subnet { get; }

    public IPAddress Bridge { get; }

    /// <summary>The hosts in the order the settings name them: web hosts, the load balancer, then the database host.</summary>
    public IReadOnlyList<SandboxHost> Hosts { get; }

    /// <summary>The load balancer host; null when the settings name none.</summary>
    public SandboxHost? LoadBalancer => Hosts.FirstOrDefault(h => h.IsLoadBalancer);

    public SandboxHost this[string name] =>
        Hosts.FirstOrDefault(h => h.Name == name) ?? throw new SandboxException($"'{name}' is not a sandbox host; the hosts are {string.Join(", ", Hosts.Select(h => h.Name))}.");

    /// <summary>FNV-1a over the name's bytes: stable across runs and machines, unlike string hash codes.</summary>
    internal static int PreferredSlot(string name)
    {
        var hash = 2166136261u;
        foreach (var b in System.Text.Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return FirstHost + (int)(hash % (LastHost - FirstHost + 1));
    }

    private IPAddress At(int last)
    {
        var bytes = Subnet.BaseAddress.GetAddressBytes();
        bytes[3] = (byte)last;
        return new IPAddress(bytes);
    }
}
