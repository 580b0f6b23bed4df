using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Aws;
using CoralNet.Deploy.Tasks.Sandbox;

namespace CoralNet.Deploy.Tasks;

[TaskName("Provision")]
[TaskDescription("Makes the environment's hosts exist: each provider's own Provision task runs only for its provider")]
[IsDependentOn(typeof(ProvisionSandboxTask))]
[IsDependentOn(typeof(ProvisionAwsTask))]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ProvisionTask : FrostingTask<DeployContext>
{
}
