using System.Xml.Linq;

namespace CoralNet.Deploy.Testing;

/// <summary>The result counts of one or more Visual Studio test result (.trx) files.</summary>
public sealed record TrxSummary(int Passed, int Failed, int Skipped)
{
    private static readonly XNamespace Trx = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static TrxSummary Read(IEnumerable<string> files) =>
        files.Select(file => XDocument.Load(file).Descendants(Trx + "Counters").Single())
            .Aggregate(new TrxSummary(0, 0, 0), (sum, counters) => new TrxSummary(
                sum.Passed + Count(counters, "passed"),
                sum.Failed + Count(counters, "failed") + Count(counters, "error") + Count(counters, "timeout") + Count(counters, "aborted"),
                sum.Skipped + Count(counters, "notExecuted")));

    /// <summary>The closing line CI reads.</summary>
    public override string ToString() =>
        Skipped > 0 ? $"{Passed} passed, {Failed} failed, {Skipped} skipped" : $"{Passed} passed, {Failed} failed";

    private static int Count(XElement counters, string name) => (int?)counters.Attribute(name) ?? 0;
}
