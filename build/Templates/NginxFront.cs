using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Templates;

/// <summary>What the site's nginx config must do for what stands in front of it.</summary>
/// <param name="HealthForAnyHost">A load balancer asks the health URL with a Host that is no name of the site (the ALB sends the target's address): the default server answers it.</param>
/// <param name="HttpsAtLoadBalancer">HTTPS ends at the load balancer, which sends plain http: the scheme Django is told is the load balancer's X-Forwarded-Proto.</param>
/// <param name="TrustedProxy">The load balancer's address, the only one whose X-Forwarded-Proto is believed (the sandbox's lb1); none: any (the ALB, the only way in to port 80 through the web security group).</param>
/// <param name="SendsHsts">nginx sends HSTS for the load balancer (the ALB cannot add a header; HAProxy sends its own).</param>
public sealed record NginxFront(bool HealthForAnyHost, bool HttpsAtLoadBalancer, string? TrustedProxy = null, bool SendsHsts = false)
{
    /// <summary>Visitors reach nginx itself.</summary>
    public static readonly NginxFront Direct = new(false, false);

    /// <param name="sandboxLoadBalancer">The address of the sandbox's load balancer, when there is one.</param>
    public static NginxFront For(DeploySettings settings, string? sandboxLoadBalancer) =>
        SiteFront.AwsLoadBalancer(settings) ? new(true, true, SendsHsts: true)
        : LoadBalancerSettingsRules.InSandbox(settings) ? new(true, settings.Tls.Mode != TlsMode.Off, settings.Tls.Mode != TlsMode.Off ? sandboxLoadBalancer : null)
        : Direct;
}
