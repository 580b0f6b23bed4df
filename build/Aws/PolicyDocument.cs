using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Aws;

/// <summary>One Allow statement of an IAM policy: actions on resources, optionally under a condition.</summary>
public sealed record PolicyStatement(string Sid, IReadOnlyList<string> Actions, IReadOnlyList<string> Resources, JsonObject? Condition = null);

/// <summary>IAM policy documents as typed data, written as the JSON IAM reads.</summary>
public static class PolicyDocument
{
    public static string Write(IEnumerable<PolicyStatement> statements) =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(statements.Select(statement =>
            {
                var node = new JsonObject
                {
                    ["Sid"] = statement.Sid,
                    ["Effect"] = "Allow",
                    ["Action"] = new JsonArray(statement.Actions.Select(action => (JsonNode)JsonValue.Create(action)!).ToArray()),
                    ["Resource"] = new JsonArray(statement.Resources.Select(resource => (JsonNode)JsonValue.Create(resource)!).ToArray()),
                };
                if (statement.Condition is not null)
                {
                    node["Condition"] = statement.Condition.DeepClone();
                }

                return (JsonNode)node;
            }).ToArray()),
        }.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>Whether two policy documents say the same, whatever their layout.</summary>
    public static bool SameAs(string? left, string? right) =>
        !string.IsNullOrWhiteSpace(left) && !string.IsNullOrWhiteSpace(right) && JsonNode.DeepEquals(JsonNode.Parse(left), JsonNode.Parse(right));

    /// <summary>Lets EC2 instances take the role: the instance profile's trust policy.</summary>
    public static string Ec2TrustPolicy() =>
        new JsonObject
        {
            ["Version"] = "2012-10-17",
            ["Statement"] = new JsonArray(new JsonObject
            {
                ["Effect"] = "Allow",
                ["Principal"] = new JsonObject { ["Service"] = "ec2.amazonaws.com" },
                ["Action"] = "sts:AssumeRole",
            }),
        }.ToJsonString();

    /// <summary>What the site may do: read and write its own bucket, nothing else.</summary>
    public static string SiteBucketPolicy(string bucket) => Write(
    [
        new("ListTheSiteBucket", ["s3:ListBucket"], [$"arn:aws:s3:::{bucket}"]),
        new("ReadWriteTheSiteObjects", ["s3:GetObject", "s3:PutObject", "s3:DeleteObject"], [$"arn:aws:s3:::{bucket}/*"]),
    ]);
}
