using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Output;

/// <summary>An IAM policy document (DeployPolicy): the same document in both forms, so that the JSON is the file IAM takes.</summary>
public sealed class PolicyResult(string document) : IRunResult
{
    public IEnumerable<string> Lines() => document.TrimEnd().Split('\n').Select(line => line.TrimEnd('\r'));

    public JsonNode ToJson() => JsonNode.Parse(document)!;
}
