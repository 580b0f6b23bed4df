using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Settings;

public sealed class OperatorCidrTests
{
    [TestCase("203.0.113.7/24", "203.0.113.0/24")]
    [TestCase("203.0.113.7/32", "203.0.113.7/32")]
    [TestCase("10.1.2.3/15", "10.0.0.0/15")]
    [TestCase("2001:db8::1234/64", "2001:db8::/64")]
    [TestCase("2001:db8:ffff::/33", "2001:db8:8000::/33")]
    public void Host_bits_are_cleared(string written, string normalised) =>
        Assert.That(OperatorCidr.TryParse(written)!.Normalised, Is.EqualTo(normalised));

    [TestCase("0.0.0.0/0", true)]
    [TestCase("198.51.0.0/15", true)]
    [TestCase("198.51.0.0/16", false)]
    [TestCase("::/0", true)]
    [TestCase("2001:db8::/47", true)]
    [TestCase("2001:db8::/48", false)]
    public void Blocks_wider_than_an_organisation_s_own_are_wide(string block, bool wide) =>
        Assert.That(OperatorCidr.TryParse(block)!.IsWide, Is.EqualTo(wide));

    [TestCase("203.0.113.7")]
    [TestCase("203.0.113.7/33")]
    [TestCase("203.0.113.7/-1")]
    [TestCase("example.org/32")]
    [TestCase("2001:db8::/129")]
    public void Anything_else_is_not_a_block(string text) =>
        Assert.That(OperatorCidr.TryParse(text), Is.Null);
}
