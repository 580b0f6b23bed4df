using System.Globalization;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The web instances' target group: HTTP on 80, health-checked on the site's health URL, with the configured deregistration delay.</summary>
public sealed class TargetGroupResource(AwsContext context) : IAwsResource
{
    /// <summary>The URL the release steps check on each host's nginx; the load balancer checks the same.</summary>
    public const string HealthCheckPath = Templates.SiteTemplates.HealthPath;

    private const string DeregistrationDelay = "deregistration_delay.timeout_seconds";

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var elb = context.Clients.LoadBalancing;
        var name = context.Names.TargetGroup;
        var resource = "target group " + name;
        var delay = context.Aws.DeregistrationDelaySeconds.ToString(CultureInfo.InvariantCulture);
        state.TargetGroup = await elb.FindTargetGroupAsync(name, cancellationToken);
        if (state.TargetGroup is not { } group)
        {
            var vpcId = await new DefaultNetwork(context).VpcIdAsync(cancellationToken);
            return ResourceChange.Create(resource, $"HTTP 80 in {vpcId}, health check {HealthCheckPath}, deregistration delay {delay} s", async ct =>
            {
                state.TargetGroup = await elb.CreateTargetGroupAsync(name, vpcId, HealthCheckPath, context.Names.Tags(name), ct);
                await elb.SetTargetGroupAttributeAsync(state.TargetGroup.Arn, DeregistrationDelay, delay, ct);
            });
        }

        context.RequireOurs(resource, await elb.TagsAsync(group.Arn, cancellationToken));
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        if (group.HealthCheckPath != HealthCheckPath)
        {
            fixes.Add(($"health check {group.HealthCheckPath}, not {HealthCheckPath}", ct => elb.SetHealthCheckPathAsync(group.Arn, HealthCheckPath, ct)));
        }

        var attributes = await elb.TargetGroupAttributesAsync(group.Arn, cancellationToken);
        if (attributes.GetValueOrDefault(DeregistrationDelay) != delay)
        {
            fixes.Add(($"deregistration delay {attributes.GetValueOrDefault(DeregistrationDelay, "unset")} s, not {delay} s",
                ct => elb.SetTargetGroupAttributeAsync(group.Arn, DeregistrationDelay, delay, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
