using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>One listener of the load balancer: 443 HTTPS with the certificate forwarding to the target group, or 80 redirecting to 443.</summary>
public sealed class ListenerResource(AwsContext context, int port, string protocol, string? certificateArn, Func<ProvisioningState, ListenerAction> action) : IAwsResource
{
    public static ListenerResource Https(AwsContext context) =>
        new(context, 443, "HTTPS", context.Aws.CertificateArn, state => ListenerAction.Forward(state.TargetGroup?.Arn ?? $"(target group {context.Names.TargetGroup}, once made)"));

    public static ListenerResource HttpRedirect(AwsContext context) => new(context, 80, "HTTP", null, _ => ListenerAction.RedirectToHttps());

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var elb = context.Clients.LoadBalancing;
        var resource = $"listener {port} {protocol} of {context.Names.LoadBalancer}";
        var wanted = Describe(protocol, certificateArn, action(state));
        var listener = state.LoadBalancer is { } loadBalancer
            ? (await elb.ListenersAsync(loadBalancer.Arn, cancellationToken)).FirstOrDefault(found => found.Port == port)
            : null;
        if (listener is null)
        {
            // The load balancer and target group may be made in this run: their ARNs are read when applied.
            return ResourceChange.Create(resource, wanted, ct =>
                elb.CreateListenerAsync(state.LoadBalancer!.Arn, port, protocol, certificateArn, action(state), context.Names.Tags(context.Names.LoadBalancer), ct));
        }

        var actual = Describe(listener.Protocol, listener.CertificateArn, listener.DefaultActions.FirstOrDefault());
        return actual == wanted
            ? ResourceChange.Unchanged(resource)
            : new ResourceChange(resource, ChangeKind.Update, [$"{actual}, not {wanted}"], ct => elb.ModifyListenerAsync(listener.Arn, protocol, certificateArn, action(state), ct));
    }

    private static string Describe(string protocol, string? certificate, ListenerAction? defaultAction) =>
        $"{protocol}{(certificate is null ? "" : " with " + certificate)}, {defaultAction?.ToString() ?? "no action"}";
}
