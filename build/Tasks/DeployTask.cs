using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
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
public sealed class DeployTask(ReleaseRunSession session, RunOutput output) : ReleaseTask(session)
{
    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        await deployer.FinishAsync();
        output.Publish("Deploy", new DeployResult(deployer.Id!, deployer.SiteUrl, context.Settings.Site.Domain, Session.Entries(context, deployer), Session.CurlCaFile(context)));
    }
}
