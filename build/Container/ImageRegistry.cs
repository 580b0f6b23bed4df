using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Container;

/// <summary>A login for a registry: its address (HOST[:PORT]), the user and the password (a secret, known to the run's redactor).</summary>
public sealed record RegistryLogin(string Address, string User, Secret Password);

/// <summary>
/// Where the run pushes the site's image and the web hosts pull it from: the registry's address,
/// the repository (ADDRESS/NAME), the login the docker client needs to push (none for the plain-HTTP
/// registry of Container.Registry), and whether hosts pull with their instance role (ECR) rather than anonymously.
/// </summary>
public sealed record ImageRegistry(string Address, string Repository, RegistryLogin? Login, bool HostsPullWithInstanceRole)
{
    /// <summary>Container.Registry, spoken to over plain HTTP without a login.</summary>
    public static ImageRegistry Plain(DeploySettings settings) =>
        new(settings.Container.Registry, SiteImage.Repository(settings.Container, settings.Site), null, HostsPullWithInstanceRole: false);

    /// <summary>A repository URI (REGISTRY/NAME, as ECR gives it) as the registry, with its login.</summary>
    public static ImageRegistry FromRepositoryUri(string repositoryUri, Func<string, RegistryLogin> login)
    {
        var slash = repositoryUri.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new ContainerException($"'{repositoryUri}' is not a repository URI (REGISTRY/NAME).");
        }

        var address = repositoryUri[..slash];
        return new ImageRegistry(address, repositoryUri, login(address), HostsPullWithInstanceRole: true);
    }

    /// <summary>The image of the repository tagged <paramref name="tag"/>.</summary>
    public string Image(string tag) => $"{Repository}:{tag}";
}
