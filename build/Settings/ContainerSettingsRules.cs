namespace CoralNet.Deploy.Settings;

/// <summary>Checks the site's runtime and the container settings: the registry's address, and a runtime this suite can deploy.</summary>
public static class ContainerSettingsRules
{
    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        if (settings.Site.Runtime == SiteRuntime.Container)
        {
            yield return "Site.Runtime: 'container' cannot deploy yet: the container cutover on the web hosts is not built, so no target takes it. "
                + "Use Site.Runtime=host (the default): BuildImage and PushImage build and push the site's image with it, and Deploy deploys it on the hosts.";
        }

        if (RegistryPort(settings.Container.Registry) is null)
        {
            yield return $"Container.Registry: '{settings.Container.Registry}' must be HOST:PORT, for example 127.0.0.1:5100.";
        }
    }

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
