using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Aws;

[TaskName("DeployPolicy")]
[TaskDescription("Prints the least-privilege IAM policy for whoever runs Plan and Provision on this environment")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class DeployPolicyTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context)
    {
        var region = AwsClientFactory.ResolveRegion(context.Settings.Aws)?.SystemName ?? "*";
        context.Log.Information(DeployPolicy.Render(context.Settings, region));
    }
}
