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

        if (settings.Provider == ProviderKind.Aws)
        {
            yield return "Site.Runtime: 'container' on AWS is not built for the web hosts yet (ProvisionAws makes the ECR repository and PushImage pushes to it, but the instances do not log in to ECR to pull): use Site.Runtime=host there.";
        }
        else if (port is not null && SandboxBridge(settings) is { } bridge && RegistryHost(settings.Container.Registry) != bridge.ToString())
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
