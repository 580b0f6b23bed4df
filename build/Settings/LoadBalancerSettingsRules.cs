namespace CoralNet.Deploy.Settings;

/// <summary>The sandbox's load balancer (Sandbox.LoadBalancer).</summary>
public static class LoadBalancerSettingsRules
{
    /// <summary>Whether the environment's web hosts serve behind the sandbox's load balancer, where HTTPS then ends.</summary>
    public static bool InSandbox(DeploySettings settings) => settings.Provider == ProviderKind.Sandbox && settings.Sandbox.LoadBalancer.Length > 0;

    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        // A roll drains one batch while the others serve: with one web host, every deploy after the first would be refused.
        if (settings.Sandbox.LoadBalancer.Length > 0 && settings.Sandbox.WebHosts.Count < 2)
        {
            yield return $"Sandbox.LoadBalancer: a deploy behind it rolls through the web hosts, draining some while the others serve, and Sandbox.WebHosts names {settings.Sandbox.WebHosts.Count}; "
                + "name at least two (--sandbox_webhosts=web1,web2,web3), or leave Sandbox.LoadBalancer empty.";
        }
    }
}
