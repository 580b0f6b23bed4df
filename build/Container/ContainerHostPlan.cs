using CoralNet.Deploy.Templates;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Container;

/// <summary>
/// What a web host needs to run the site's containers (Site.Runtime container), as host resources:
/// the engine Container.HostEngine names, its configuration, and the registry it pulls from (see
/// <see cref="HostEngine"/>); on AWS also Debian's ECR credential helper and the root-only auth file that
/// names it for the repository's registry (the login comes from the instance role). Nothing with the host runtime.
/// </summary>
public static class ContainerHostPlan
{
    public const string InstallContainerEngine = "InstallContainerEngine";

    /// <summary>Debian 12's docker-credential-ecr-login; its Recommends (docker.io) are not installed with it.</summary>
    public const string EcrCredentialHelperPackage = "amazon-ecr-credential-helper";

    private static readonly int RootOnlyFileMode = Convert.ToInt32("600", 8);

    /// <param name="repositoryUri">On AWS, the ECR repository's URI (see <see cref="HostRegistry.For"/>).</param>
    public static PlannedTask Build(DeploySettings settings, string? repositoryUri = null)
    {
        if (settings.Site.Runtime != SiteRuntime.Container)
        {
            return new(InstallContainerEngine, []);
        }

        var registry = HostRegistry.For(settings, repositoryUri);
        var engine = HostEngine.Of(settings.Container.HostEngine);
        return new(InstallContainerEngine,
        [
            .. engine.Resources(registry, settings.Site.Name),
            .. registry.CredentialHelper is { } helper
                ? new IHostResource[]
                {
                    new PackagesResource([EcrCredentialHelperPackage], withoutRecommends: true),
                    new FileResource(engine.RegistryAuth(settings.Site.Name), ContainerTemplates.HostRegistryAuth(registry, helper), "root", "root", RootOnlyFileMode),
                }
                : [],
        ]);
    }
}
