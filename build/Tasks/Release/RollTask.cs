using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tasks.Host;

namespace CoralNet.Deploy.Tasks.Release;

[TaskName("Roll")]
[UnderDeployLock]
[TaskDescription("Release, behind a load balancer: per batch of web hosts, drain at the load balancer, the checked-standby cutover, the health check through each host's nginx, back in service once the load balancer reports it healthy; a failing batch stops the roll and rolls back")]
[TaskArgument(BatchSizeOption, typeof(string), "how many web hosts to cut over at a time: a number or a share (34%); the load balancer always keeps one serving", Placeholder = "N", Default = "1")]
[IsDependentOn(typeof(CollectStaticTask))]
[IsDependentOn(typeof(ConfigureLoadBalancerTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the environment has no load balancer with several web hosts behind it: the cutover runs on every web host at once")]
public sealed class RollTask(ReleaseRunSession session, LoadBalancerSession balancer) : ReleaseTask(session)
{
    public const string BatchSizeOption = "batch-size";

    public override bool ShouldRun(DeployContext context) => LoadBalancerSession.Present(context.Settings);

    protected override async Task RunAsync(DeployContext context, ReleaseDeployer deployer)
    {
        if (!deployer.UpToDate)
        {
            await deployer.RollAsync(await balancer.RuntimeAsync(context), Options(context));
        }
    }

    /// <summary>How a deploy or a rollback rolls: --batch-size and Roll.KeepDoneBatches.</summary>
    public static RollOptions Options(DeployContext context) => new(Size(context), context.Settings.Roll.KeepDoneBatches);

    /// <summary>--batch-size, read when the run's deploy is made (before anything changes on a host): a bad one stops the run there.</summary>
    public static BatchSize Size(DeployContext context) =>
        BatchSize.TryParse(context.Options.Get<string?>(BatchSizeOption) ?? "1", out var problem) ?? throw new ReleaseException("--batch-size: " + problem);
}
