using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The registry as the web hosts pull the site's image from it: the one place that says where, and how.
/// In the sandbox it is Container.Registry itself (the suite's own registry, on the bridge, plain HTTP);
/// a registry that needs a login (ECR on AWS) brings its credentials here.
/// </summary>
/// <param name="Address">HOST:PORT (or a registry's host name), the prefix of the image's name on the hosts.</param>
/// <param name="Insecure">Whether the hosts speak plain HTTP to it (only the sandbox's own).</param>
public sealed record HostRegistry(string Address, bool Insecure)
{
    public static HostRegistry For(DeploySettings settings) =>
        new(settings.Container.Registry, Insecure: settings.Provider == ProviderKind.Sandbox);

    /// <summary>The name of the site's image of a release, as the hosts pull it.</summary>
    public string Image(SiteSettings site, string releaseId) => $"{Address}/{site.Name}:{releaseId}";
}
