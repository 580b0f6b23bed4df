using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tasks.Host;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks;

[TaskName("Deploy")]
[TaskDescription("The main job: provision, configure the hosts, deploy the site with a health-checked zero-downtime cutover, print its URL")]
[IsDependentOn(typeof(ShowSettingsTask))]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(ConfigureHostTask))]
[IsDependentOn(typeof(CleanupReleasesTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
public sealed class DeployTask(ReleaseRunSession session) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        await deployer.FinishAsync();
        context.Log.Information("Release {0} serves at {1} ({2})", deployer.Id!, deployer.SiteUrl, string.Join(", ", deployer.Hosts.Select(h => $"http://{h.Address}/ with Host: {context.Settings.Site.Domain}")));
    }
}
