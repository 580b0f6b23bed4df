using CoralNet.Deploy.Aws;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>The AWS log as lines, each prefixed with its level.</summary>
internal sealed class ListLog : IAwsLog
{
    public List<string> Lines { get; } = [];

    public void Information(string message) => Lines.Add("INFO " + message);

    public void Warning(string message) => Lines.Add("WARN " + message);

    public void Verbose(string message) => Lines.Add("VERB " + message);
}
