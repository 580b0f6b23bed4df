using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// What a web host needs to run the site's containers (Site.Runtime container), as host resources:
/// podman with runc and catatonit (for --init), its configuration, and the registry it pulls from.
/// Nothing with the host runtime.
/// </summary>
public static class ContainerHostPlan
{
    public const string InstallContainerEngine = "InstallContainerEngine";

    public const string EngineConfiguration = "/etc/containers/containers.conf";

    public static readonly IReadOnlyList<string> Packages = ["podman", "runc", "catatonit"];

    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);

    public static string RegistryConfiguration(string siteName) => $"/etc/containers/registries.conf.d/50-{siteName}.conf";

    public static PlannedTask Build(DeploySettings settings)
    {
        if (settings.Site.Runtime != SiteRuntime.Container)
        {
            return new(InstallContainerEngine, []);
        }

        return new(InstallContainerEngine,
        [
            new PackagesResource(Packages),
            new FileResource(EngineConfiguration, TemplateRenderer.Render("host-containers.conf", new Dictionary<string, string>()), "root", "root", ConfigFileMode),
            new FileResource(RegistryConfiguration(settings.Site.Name), ContainerTemplates.HostRegistries(HostRegistry.For(settings)), "root", "root", ConfigFileMode),
        ]);
    }
}
