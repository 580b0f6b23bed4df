using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Aws;

[TaskName("Plan")]
[TaskDescription("Lists each AWS resource of the environment as create, update (and what differs) or unchanged; reads only")]
[CheckMode(CheckBehaviour.ChangesNothing)]
[SkipReason("Plan needs an environment whose Provider is aws; name one with --environment=NAME")]
public sealed class PlanTask : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Provider == ProviderKind.Aws;

    public override async Task RunAsync(DeployContext context)
    {
        var (provisioner, services) = CakeAwsLog.Provisioner(context);
        using (services)
        {
            await provisioner.PlanAsync(CancellationToken.None);
        }
    }
}
