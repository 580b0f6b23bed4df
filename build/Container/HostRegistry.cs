using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The registry as the web hosts pull the site's image from it: the one place that says where, and how.
/// In the sandbox it is Container.Registry itself (the suite's own registry, on the bridge, plain HTTP,
/// no login); on AWS the environment's ECR repository, which the hosts log in to through a credential
/// helper with their instance role (no password is ever written on a host).
/// </summary>
/// <param name="Address">HOST:PORT (or a registry's host name): where the hosts pull from, and the key of its login.</param>
/// <param name="Repository">ADDRESS/NAME: the site's images, each tagged with its release id.</param>
/// <param name="Insecure">Whether the hosts speak plain HTTP to it (only the sandbox's own).</param>
/// <param name="CredentialHelper">The credential helper the hosts' engine asks for a login (docker-credential-NAME), or null when the registry needs none.</param>
public sealed record HostRegistry(string Address, string Repository, bool Insecure, string? CredentialHelper = null)
{
    /// <summary>Debian's amazon-ecr-credential-helper: docker-credential-ecr-login, a login from the instance role's GetAuthorizationToken.</summary>
    public const string EcrCredentialHelper = "ecr-login";

    /// <param name="repositoryUri">On AWS, the ECR repository's URI (AwsOutputs.RepositoryUri); null when it does not exist.</param>
    public static HostRegistry For(DeploySettings settings, string? repositoryUri)
    {
        if (settings.Provider != ProviderKind.Aws)
        {
            return new(settings.Container.Registry, SiteImage.Repository(settings.Container, settings.Site), Insecure: settings.Provider == ProviderKind.Sandbox);
        }

        var slash = repositoryUri?.IndexOf('/', StringComparison.Ordinal) ?? -1;
        if (repositoryUri is null || slash <= 0)
        {
            throw new ContainerException(
                $"The web hosts pull the site's image from the environment's ECR repository, which does not exist{(repositoryUri is null ? "" : $" ('{repositoryUri}' is not REGISTRY/NAME)")}: it is made by Provision when Site.Runtime is container; run ./build.sh --target=Provision --environment={settings.Environment}.");
        }

        return new(repositoryUri[..slash], repositoryUri, Insecure: false, EcrCredentialHelper);
    }

    /// <summary>The name of the site's image of a release, as the hosts pull it.</summary>
    public string Image(string releaseId) => $"{Repository}:{releaseId}";
}
