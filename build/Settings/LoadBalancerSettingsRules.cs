namespace CoralNet.Deploy.Settings;

/// <summary>The sandbox's load balancer (Sandbox.LoadBalancer).</summary>
public static class LoadBalancerSettingsRules
{
    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        // HAProxy forwards plain http to the web hosts' nginx; TLS ending at HAProxy (with the sandbox's
        // ACME certificate) is not built, and nginx's own certificate would not be what clients see.
        if (settings.Sandbox.LoadBalancer.Length > 0 && settings.Tls.Mode != TlsMode.Off)
        {
            yield return $"Tls.Mode: the sandbox's load balancer ({settings.Sandbox.LoadBalancer}) serves the site over plain http only (TLS at HAProxy is not built yet); "
                + "set Tls.Mode off (--tls_mode=off), or leave Sandbox.LoadBalancer empty.";
        }

        // A roll drains one batch while the others serve: with one web host, every deploy after the first would be refused.
        if (settings.Sandbox.LoadBalancer.Length > 0 && settings.Sandbox.WebHosts.Count < 2)
        {
            yield return $"Sandbox.LoadBalancer: a deploy behind it rolls through the web hosts, draining some while the others serve, and Sandbox.WebHosts names {settings.Sandbox.WebHosts.Count}; "
                + "name at least two (--sandbox_webhosts=web1,web2,web3), or leave Sandbox.LoadBalancer empty.";
        }
    }
}
