using System.Net;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

public sealed class SandboxAddressesTests
{
    [Test]
    public void The_bridge_takes_the_first_address_and_hosts_distinct_addresses_in_the_subnet()
    {
        var addresses = new SandboxAddresses("10.213.0.0/24", ["web1", "web2", "web3"], "db1");

        Assert.That(addresses.Bridge, Is.EqualTo(IPAddress.Parse("10.213.0.1")));
        Assert.That(addresses.Hosts.Select(h => h.Name), Is.EqualTo(new[] { "web1", "web2", "web3", "db1" }));
        Assert.That(addresses.Hosts.Select(h => h.Address).Distinct().Count(), Is.EqualTo(4));
        foreach (var host in addresses.Hosts)
        {
            Assert.That(addresses.Subnet.Contains(host.Address), Is.True, host.Name);
            Assert.That(host.Address.GetAddressBytes()[3], Is.InRange(2, 254), host.Name);
        }

        Assert.That(addresses.Hosts.Single(h => h.IsDatabase).Name, Is.EqualTo("db1"));
    }

    [Test]
    public void The_load_balancer_is_a_host_of_its_own_after_the_web_hosts_and_no_web_host_keeps_its_address_by_it()
    {
        var without = new SandboxAddresses("10.213.0.0/24", ["web1", "web2"], "db1");
        var with = new SandboxAddresses("10.213.0.0/24", ["web1", "web2"], "db1", "lb1");

        Assert.That(with.Hosts.Select(h => h.Name), Is.EqualTo(new[] { "web1", "web2", "lb1", "db1" }));
        Assert.That(with.LoadBalancer!.Name, Is.EqualTo("lb1"));
        Assert.That(with.Hosts.Where(h => h.IsWeb).Select(h => h.Name), Is.EqualTo(new[] { "web1", "web2" }));
        Assert.That(without.LoadBalancer, Is.Null);
        foreach (var host in without.Hosts)
        {
            Assert.That(with[host.Name].Address, Is.EqualTo(host.Address), host.Name);
        }
    }

    [Test]
    public void A_host_keeps_its_address_when_other_hosts_come_and_go()
    {
        var small = new SandboxAddresses("10.213.0.0/24", ["web1"], "db1");
        var large = new SandboxAddresses("10.213.0.0/24", ["web1", "web2", "web3"], "db1");

        Assert.That(large["web1"].Address, Is.EqualTo(small["web1"].Address));
        Assert.That(large["db1"].Address, Is.EqualTo(small["db1"].Address));
    }

    [Test]
    public void Names_that_hash_to_the_same_address_still_get_distinct_ones()
    {
        var bySlot = new Dictionary<int, string>();
        (string First, string Second)? collision = null;
        for (var i = 0; collision is null; i++)
        {
            var name = "h" + i;
            var slot = SandboxAddresses.PreferredSlot(name);
            if (bySlot.TryGetValue(slot, out var other))
            {
                collision = (other, name);
            }

            bySlot[slot] = name;
        }

        var addresses = new SandboxAddresses("192.168.7.0/24", [collision.Value.First], collision.Value.Second);

        Assert.That(addresses.Hosts[0].Address, Is.Not.EqualTo(addresses.Hosts[1].Address));
        Assert.That(addresses.Bridge, Is.EqualTo(IPAddress.Parse("192.168.7.1")));
    }

    [TestCase("10.213.0.0/16")]
    [TestCase("fd00::/64")]
    [TestCase("not a subnet")]
    public void A_subnet_that_is_not_an_IPv4_slash_24_is_refused(string subnet)
    {
        var error = Assert.Throws<SandboxException>(() => _ = new SandboxAddresses(subnet, ["web1"], "db1"));
        Assert.That(error!.Message, Does.Contain(subnet).And.Contain("/24"));
    }

    [Test]
    public void Asking_for_an_unknown_host_names_the_known_ones()
    {
        var addresses = new SandboxAddresses("10.213.0.0/24", ["web1"], "db1");
        var error = Assert.Throws<SandboxException>(() => _ = addresses["web9"]);
        Assert.That(error!.Message, Does.Contain("web1, db1"));
    }
}
