using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(LoadBalancerSession.TaskName)]
[TaskDescription("Load balancer (Sandbox.LoadBalancer): Debian's HAProxy in front of every web host, health-checked on the site's health URL, its runtime API on a root-only socket; the config checked with haproxy -c before a reload")]
[IsDependentOn(typeof(Release.DeployLockTask))]
[CheckMode(CheckBehaviour.Reports)]
[SkipReason("the environment has no sandbox load balancer (Sandbox.LoadBalancer is empty; Provision makes an AWS one)")]
public sealed class ConfigureLoadBalancerTask(LoadBalancerSession session) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => LoadBalancerSession.ConfiguresHost(context.Settings);

    public override Task RunAsync(DeployContext context) => session.ConfigureAsync(context);
}
