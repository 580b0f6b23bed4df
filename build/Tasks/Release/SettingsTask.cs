using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Settings")]
[TaskDescription("Release: the site's environment file in shared/ (0640, group www-data): DATABASE_*, SECRET_KEY, ALLOWED_HOSTS from Site.Domain, DEBUG off, the bucket name; secrets never logged")]
[IsDependentOn(typeof(InstallRequirementsTask))]
public sealed class SettingsTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        var settings = context.Settings;
        return deployer.WriteSettingsAsync(new SiteEnvironment(
            settings.Database.Name,
            settings.Database.User,
            context.Secrets.Get(settings.Database.Password),
            DatabaseHost(settings),
            settings.Database.Port,
            context.Secrets.Get(settings.Site.SecretKey),
            [settings.Site.Domain],
            settings.Aws.BucketName));
    }

    /// <summary>The database host the site connects to: the sandbox's database host (RDS's endpoint on AWS, not built yet).</summary>
    private static string DatabaseHost(DeploySettings settings) => settings.Provider == ProviderKind.Sandbox
        ? new SandboxAddresses(settings.Sandbox.Subnet, settings.Sandbox.WebHosts, settings.Sandbox.DatabaseHost)[settings.Sandbox.DatabaseHost].Address.ToString()
        : throw new CakeException("Settings on AWS needs the RDS endpoint, which is not wired yet.");
}
