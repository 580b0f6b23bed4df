using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Container;

/// <summary>
/// What a web host needs to run the site's containers (Site.Runtime container), as host resources:
/// the engine Container.HostEngine names, its configuration, and the registry it pulls from (see
/// <see cref="HostEngine"/>). Nothing with the host runtime.
/// </summary>
public static class ContainerHostPlan
{
    public const string InstallContainerEngine = "InstallContainerEngine";

    public static PlannedTask Build(DeploySettings settings) => settings.Site.Runtime != SiteRuntime.Container
        ? new(InstallContainerEngine, [])
        : new(InstallContainerEngine, HostEngine.Of(settings.Container.HostEngine).Resources(HostRegistry.For(settings), settings.Site.Name));
}
