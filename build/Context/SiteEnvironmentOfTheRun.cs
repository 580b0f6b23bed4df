using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Context;

/// <summary>What the site's environment file holds for the run's environment: its database (with the endpoint of the run), secret key, domain and bucket.</summary>
internal static class SiteEnvironmentOfTheRun
{
    public static async Task<SiteEnvironment> ForAsync(DeployContext context)
    {
        var settings = context.Settings;
        var database = await DatabaseOfTheRun.EndpointAsync(context);
        return new SiteEnvironment(
            settings.Database.Name,
            settings.Database.User,
            context.Secrets.Get(settings.Database.Password),
            database.Address,
            database.Port,
            context.Secrets.Get(settings.Site.SecretKey),
            SiteTemplates.Names(settings.Site),
            settings.Aws.BucketName,
            SiteFront.Https(settings));
    }
}
