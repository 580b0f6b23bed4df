using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Host;

/// <summary>A ConfigureHost step: applies its share of the host plan on every web host, over the run's shared connections.</summary>
[CheckMode(CheckBehaviour.Reports)]
public abstract class HostTask(HostRunSession session, string planTask) : AsyncFrostingTask<DeployContext>
{
    public override Task RunAsync(DeployContext context) => session.RunTaskAsync(context, planTask);
}
