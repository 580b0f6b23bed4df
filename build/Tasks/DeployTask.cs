using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Host;

namespace CoralNet.Deploy.Tasks;

[TaskName("Deploy")]
[TaskDescription("The main job: provision, configure the hosts and deploy the site")]
[IsDependentOn(typeof(ShowSettingsTask))]
[IsDependentOn(typeof(ProvisionTask))]
[IsDependentOn(typeof(ConfigureHostTask))]
public sealed class DeployTask : FrostingTask<DeployContext>
{
}
