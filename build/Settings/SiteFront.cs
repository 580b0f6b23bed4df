namespace CoralNet.Deploy.Settings;

/// <summary>What stands in front of the web hosts' nginx, as the settings say: nothing, the sandbox's HAProxy, or the AWS load balancer.</summary>
public static class SiteFront
{
    /// <summary>HTTPS ends at the AWS load balancer's 443 listener, which asks the instances' nginx over plain http.</summary>
    public static bool AwsLoadBalancer(DeploySettings settings) => settings.Provider == ProviderKind.Aws && settings.Aws.LoadBalancer;

    /// <summary>The web hosts serve behind a load balancer whose health checks ask each host's nginx for the health URL.</summary>
    public static bool BehindLoadBalancer(DeploySettings settings) =>
        AwsLoadBalancer(settings) || settings.Provider == ProviderKind.Sandbox && settings.Sandbox.LoadBalancer.Length > 0;

    /// <summary>
    /// A deploy rolls through the web hosts at the load balancer: behind one, with several hosts (a roll
    /// drains some while others serve; one instance behind the ALB cuts over in place, as without it).
    /// </summary>
    public static bool Rolls(DeploySettings settings) =>
        settings.Provider == ProviderKind.Sandbox ? settings.Sandbox.LoadBalancer.Length > 0 : AwsLoadBalancer(settings) && settings.Aws.WebInstances > 1;

    /// <summary>Whether visitors reach the site over https: nginx serves it (Tls.Mode), or the load balancer does.</summary>
    public static bool Https(DeploySettings settings) => settings.Tls.Mode != TlsMode.Off || AwsLoadBalancer(settings);
}
