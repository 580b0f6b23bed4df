using System.Net;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Settings;

/// <summary>Checks the site's runtime and the container settings: the registry's address, and what the container runtime cannot do yet.</summary>
public static class ContainerSettingsRules
{
    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        var port = RegistryPort(settings.Container.Registry);
        if (port is null)
        {
            yield return $"Container.Registry: '{settings.Container.Registry}' must be HOST:PORT, for example 127.0.0.1:5100.";
        }

        if (settings.Site.Runtime != SiteRuntime.Container)
        {
            yield break;
        }

        if (settings.Provider == ProviderKind.Aws && settings.Container.KeepImages < settings.Site.KeepReleases)
        {
            yield return $"Container.KeepImages: {settings.Container.KeepImages} is fewer than Site.KeepReleases ({settings.Site.KeepReleases}): the ECR repository's lifecycle policy would expire images of releases the hosts keep for Rollback; set it to at least {settings.Site.KeepReleases} (--container_keepimages={settings.Site.KeepReleases}).";
        }

        // On AWS the images go to the environment's ECR repository (Container.Registry is not used there).
        if (settings.Provider != ProviderKind.Aws && port is not null && SandboxBridge(settings) is { } bridge && RegistryHost(settings.Container.Registry) != bridge.ToString())
        {
            yield return $"Container.Registry: the sandbox's web hosts pull the site's image from it, and they reach this machine only on the sandbox bridge: with Site.Runtime=container set it to {bridge}:{port} (--container_registry={bridge}:{port}); the suite runs the registry there itself.";
        }
    }

    /// <summary>The sandbox bridge's address (this machine, as the sandbox's hosts see it), when Sandbox.Subnet is valid.</summary>
    public static IPAddress? SandboxBridge(DeploySettings settings)
    {
        if (settings.Provider != ProviderKind.Sandbox)
        {
            return null;
        }

        try
        {
            return SandboxAddresses.Of(settings.Sandbox).Bridge;
        }
        catch (Exception failure) when (failure is FormatException or ArgumentException or SandboxException)
        {
            return null;
        }
    }

    public static string RegistryHost(string registry) => registry[..Math.Max(0, registry.LastIndexOf(':'))];

    /// <summary>The port of a HOST:PORT registry address, or null when the address is not one.</summary>
    public static int? RegistryPort(string registry)
    {
        var colon = registry.LastIndexOf(':');
        return colon > 0
            && SettingsPatterns.HostName().IsMatch(registry[..colon])
            && int.TryParse(registry[(colon + 1)..], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port)
            && port is >= 1 and <= 65535
                ? port
                : null;
    }
}
