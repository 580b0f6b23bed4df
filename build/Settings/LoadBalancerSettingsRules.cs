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
    }
}
