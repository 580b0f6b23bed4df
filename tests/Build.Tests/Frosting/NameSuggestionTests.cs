using Cake.Frosting;

namespace CoralNet.Deploy.Tests.Frosting;

public sealed class NameSuggestionTests
{
    [TestCase("domian", "domain", 1)]
    [TestCase("targt", "target", 1)]
    [TestCase("target", "target", 0)]
    [TestCase("", "abc", 3)]
    [TestCase("kitten", "sitting", 3)]
    public void DistanceCountsEditsWithASwapAsOne(string a, string b, int distance)
    {
        Assert.That(NameSuggestion.Distance(a, b), Is.EqualTo(distance));
    }

    [Test]
    public void TheClosestNameIsSuggestedWhatever_the_case()
    {
        Assert.That(NameSuggestion.Closest("SITE_DOMIAN", ["Site_Domain", "Site_Name", "Ssh_Port"]), Is.EqualTo("Site_Domain"));
    }

    [Test]
    public void NoNameIsSuggestedWhenNoneIsClose()
    {
        Assert.That(NameSuggestion.Closest("colour_scheme", ["Site_Domain", "Ssh_Port"]), Is.Null);
    }
}
