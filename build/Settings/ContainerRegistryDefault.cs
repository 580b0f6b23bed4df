using System.Net;

namespace CoralNet.Deploy.Settings;

/// <summary>
/// Container.Registry when the environment and the overrides leave it empty: in the sandbox with
/// Site.Runtime=container, the sandbox bridge's address (the only one on which its hosts reach this
/// machine), elsewhere loopback; on the registry's usual port either way.
/// </summary>
public static class ContainerRegistryDefault
{
    public const int Port = 5100;

    public static void Apply(DeploySettings settings)
    {
        if (settings.Container.Registry.Length > 0)
        {
            return;
        }

        var bridge = settings.Site.Runtime == SiteRuntime.Container ? ContainerSettingsRules.SandboxBridge(settings) : null;
        settings.Container.Registry = $"{bridge ?? IPAddress.Loopback}:{Port}";
    }
}
