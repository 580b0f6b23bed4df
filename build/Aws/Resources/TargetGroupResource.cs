using CoralNet.Deploy.Aws.Query;
using System.Globalization;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The web instances' target group: HTTP on 80, health-checked on the site's health URL, with the configured deregistration delay.</summary>
public sealed class TargetGroupResource(AwsContext context) : IAwsResource
{
    /// <summary>
    /// The URL the release steps check on each host's nginx, asked by the load balancer too, often enough for a
    /// rolling deploy: a host put back is healthy after two passes (about 10 s; AWS's default of five passes 30 s
    /// apart would outlast Timeouts.LoadBalancerHealthySeconds), and out after two failures. Only 200 passes: the
    /// health URL answers 503 while the database does not.
    /// </summary>
    public static readonly HealthCheck HealthCheck = new(Templates.SiteTemplates.HealthPath, IntervalSeconds: 5, TimeoutSeconds: 4, HealthyThreshold: 2, UnhealthyThreshold: 2, Matcher: "200");

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
            return ResourceChange.Create(resource, $"HTTP 80 in {vpcId}, health check {HealthCheck}, deregistration delay {delay} s", async ct =>
            {
                state.TargetGroup = await elb.CreateTargetGroupAsync(name, vpcId, HealthCheck, context.Names.Tags(name), ct);
                await elb.SetTargetGroupAttributeAsync(state.TargetGroup.Arn, DeregistrationDelay, delay, ct);
            });
        }

        context.RequireOurs(resource, await elb.TagsAsync(group.Arn, cancellationToken));
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        if (group.HealthCheck != HealthCheck)
        {
            fixes.Add(($"health check {group.HealthCheck}, not {HealthCheck}", ct => elb.SetHealthCheckAsync(group.Arn, HealthCheck, ct)));
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
