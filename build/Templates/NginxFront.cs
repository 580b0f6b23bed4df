using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Templates;

/// <summary>What the site's nginx config must do for what stands in front of it.</summary>
/// <param name="HealthForAnyHost">A load balancer asks the health URL with a Host that is no name of the site (the ALB sends the target's address): the default server answers it.</param>
/// <param name="HttpsAtLoadBalancer">HTTPS ends at the load balancer, which sends plain http: the scheme Django is told is the load balancer's X-Forwarded-Proto, and HSTS is sent from here.</param>
public sealed record NginxFront(bool HealthForAnyHost, bool HttpsAtLoadBalancer)
{
    /// <summary>Visitors reach nginx itself.</summary>
    public static readonly NginxFront Direct = new(false, false);

    public static NginxFront For(DeploySettings settings) => new(SiteFront.BehindLoadBalancer(settings), SiteFront.HttpsAtLoadBalancer(settings));
}
