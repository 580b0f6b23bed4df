using CoralNet.Deploy.Testing;

namespace CoralNet.Deploy.Tests.Testing;

public sealed class TrxSummaryTests
{
    [Test]
    public void AddsTheCountersOfEveryFile()
    {
        var folder = Directory.CreateTempSubdirectory("trx-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "a.trx"), Trx("total=\"5\" executed=\"4\" passed=\"3\" failed=\"1\" error=\"0\" timeout=\"0\" aborted=\"0\" notExecuted=\"1\""));
            File.WriteAllText(Path.Combine(folder, "b.trx"), Trx("total=\"2\" executed=\"2\" passed=\"1\" failed=\"0\" error=\"1\""));

            var summary = TrxSummary.Read(Directory.GetFiles(folder));

            Assert.That(summary, Is.EqualTo(new TrxSummary(4, 2, 1)));
            Assert.That(summary.ToString(), Is.EqualTo("4 passed, 2 failed, 1 skipped"));
            Assert.That(new TrxSummary(7, 0, 0).ToString(), Is.EqualTo("7 passed, 0 failed"));
        }
        finally
        {
            Directory.Delete(folder, true);
        }
    }

    private static string Trx(string counters) =>
        $"""<?xml version="1.0" encoding="utf-8"?><TestRun xmlns="http://microsoft.com/schemas/VisualStudio/TeamTest/2010"><ResultSummary outcome="Completed"><Counters {counters} /></ResultSummary></TestRun>""";
}
