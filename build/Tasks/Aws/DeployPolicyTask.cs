using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Tasks.Aws;

[TaskName("DeployPolicy")]
[TaskDescription("Prints the least-privilege IAM policy for whoever runs Plan and Provision on this environment (--format=json: the policy file alone)")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class DeployPolicyTask(RunOutput output) : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context)
    {
        var region = AwsClientFactory.ResolveRegion(context.Settings.Aws)?.SystemName ?? "*";
        output.Publish("DeployPolicy", new PolicyResult(DeployPolicy.Render(context.Settings, region)));
    }
}
