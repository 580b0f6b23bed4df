using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// What a web host needs to run the site's containers (Site.Runtime container), as host resources:
/// podman with runc and catatonit (for --init), its configuration, and the registry it pulls from;
/// on AWS also Debian's ECR credential helper and the root-only auth file that names it for the
/// repository's registry (the login comes from the instance role). Nothing with the host runtime.
/// </summary>
public static class ContainerHostPlan
{
    public const string InstallContainerEngine = "InstallContainerEngine";

    public const string EngineConfiguration = "/etc/containers/containers.conf";

    public static readonly IReadOnlyList<string> Packages = ["podman", "runc", "catatonit"];

    private static readonly int ConfigFileMode = Convert.ToInt32("644", 8);

    /// <summary>Debian 12's docker-credential-ecr-login; its Recommends (docker.io) are not installed with it.</summary>
    public const string EcrCredentialHelperPackage = "amazon-ecr-credential-helper";

    private static readonly int RootOnlyFileMode = Convert.ToInt32("600", 8);

    public static string RegistryConfiguration(string siteName) => $"/etc/containers/registries.conf.d/50-{siteName}.conf";

    /// <summary>The auth file the hosts' pulls name (podman pull --authfile), when the registry needs a login.</summary>
    public static string RegistryAuth(string siteName) => $"/etc/containers/{siteName}-auth.json";

    /// <param name="repositoryUri">On AWS, the ECR repository's URI (see <see cref="HostRegistry.For"/>).</param>
    public static PlannedTask Build(DeploySettings settings, string? repositoryUri = null)
    {
        if (settings.Site.Runtime != SiteRuntime.Container)
        {
            return new(InstallContainerEngine, []);
        }

        var registry = HostRegistry.For(settings, repositoryUri);
        return new(InstallContainerEngine,
        [
            new PackagesResource(Packages),
            new FileResource(EngineConfiguration, TemplateRenderer.Render("host-containers.conf", new Dictionary<string, string>()), "root", "root", ConfigFileMode),
            new FileResource(RegistryConfiguration(settings.Site.Name), ContainerTemplates.HostRegistries(registry), "root", "root", ConfigFileMode),
            .. registry.CredentialHelper is { } helper
                ? new IHostResource[]
                {
                    new PackagesResource([EcrCredentialHelperPackage], withoutRecommends: true),
                    new FileResource(RegistryAuth(settings.Site.Name), ContainerTemplates.HostRegistryAuth(registry, helper), "root", "root", RootOnlyFileMode),
                }
                : [],
        ]);
    }
}
