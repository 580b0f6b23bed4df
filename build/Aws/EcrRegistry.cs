using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>The environment's ECR repository as the registry of the site's images, with a login from GetAuthorizationToken.</summary>
public static class EcrRegistry
{
    /// <param name="keep">Registers the login's password with the run's redactor before anything else sees it.</param>
    public static Task<ImageRegistry> ResolveAsync(IEcrClient ecr, DeploySettings settings, Func<string, Secret> keep, CancellationToken cancellationToken) =>
        AwsUnreachableException.Around("ECR, the registry of the site's images", settings.Aws, settings.Aws.Region, () => LookUpAsync(ecr, settings, keep, cancellationToken));

    private static async Task<ImageRegistry> LookUpAsync(IEcrClient ecr, DeploySettings settings, Func<string, Secret> keep, CancellationToken cancellationToken)
    {
        var names = new AwsNames(settings);
        var repository = await ecr.DescribeRepositoryAsync(names.Repository, cancellationToken)
            ?? throw new InvalidOperationException(
                $"The ECR repository {names.Repository} does not exist: it is made by Provision when Site.Runtime is container; run ./build.sh --target=Provision --environment={settings.Environment}.");
        var login = await ecr.GetLoginAsync(keep, cancellationToken);
        // The login is account-wide; the docker client keys it by the address the images are named with.
        return ImageRegistry.FromRepositoryUri(repository.Uri, address => login with { Address = address });
    }
}
