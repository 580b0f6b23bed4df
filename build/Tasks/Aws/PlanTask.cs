using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Aws;

[TaskName("Plan")]
[TaskDescription("Lists each AWS resource of the environment as create, update (and what differs) or unchanged; reads only (--format=json: as JSON)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
[SkipReason("Plan needs an environment whose Provider is aws; name one with --environment=NAME")]
public sealed class PlanTask(RunOutput output) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => context.Settings.Provider == ProviderKind.Aws;

    public override async Task RunAsync(DeployContext context)
    {
        var (provisioner, services) = CakeAwsLog.Provisioner(context);
        using (services)
        {
            output.Publish("Plan", new PlanResult(await provisioner.PlanAsync(CancellationToken.None)));
        }
    }
}
