using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The database's parameter group, one per PostgreSQL major version (a group belongs to one
/// family): rds.force_ssl=1, so that the server refuses connections without TLS.
/// </summary>
public sealed class ParameterGroupResource(AwsContext context) : IAwsResource
{
    public static readonly IReadOnlyDictionary<string, string> Wanted = new Dictionary<string, string> { ["rds.force_ssl"] = "1" };

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var rds = context.Clients.Rds;
        var family = "postgres" + EngineVersions.Major(context.Aws.DatabaseEngineVersion);
        var name = $"{context.Names.Database}-{family}";
        var resource = "RDS parameter group " + name;
        state.ParameterGroupName = name;
        var group = await rds.DescribeParameterGroupAsync(name, cancellationToken);
        if (group is null)
        {
            return ResourceChange.Create(resource, $"{family}, {Describe(Wanted)}", async ct =>
            {
                await rds.CreateParameterGroupAsync(new DbParameterGroup(name, family), $"{context.Names.Database}: TLS required", context.Names.Tags(name), ct);
                foreach (var (parameter, value) in Wanted)
                {
                    await rds.SetParameterAsync(name, parameter, value, ct);
                }
            });
        }

        var actual = await rds.UserParametersAsync(name, cancellationToken);
        return ResourceChange.Update(resource, Wanted
            .Where(parameter => actual.GetValueOrDefault(parameter.Key) != parameter.Value)
            .Select(parameter => ($"{parameter.Key} {actual.GetValueOrDefault(parameter.Key) ?? "default"}, not {parameter.Value}",
                (Func<CancellationToken, Task>)(ct => rds.SetParameterAsync(name, parameter.Key, parameter.Value, ct))))
            .ToList());
    }

    private static string Describe(IReadOnlyDictionary<string, string> parameters) => string.Join(", ", parameters.Select(parameter => $"{parameter.Key}={parameter.Value}"));
}
