using System.Reflection;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tasks.Release;

/// <summary>A release deploy step: runs its share of the deploy on every web host; when it fails, the run is abandoned in its Finally (its cutover undone, its lock released).</summary>
public abstract class ReleaseTask(ReleaseRunSession session) : AsyncFrostingTask<DeployContext>
{
    private bool _failed;

    protected ReleaseRunSession Session => session;

    public sealed override async Task RunAsync(DeployContext context)
    {
        try
        {
            RefuseWithoutLock();
            await RunAsync(context, session.Deployer(context));
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    protected abstract Task RunAsync(DeployContext context, ReleaseDeployer deployer);

    private void RefuseWithoutLock()
    {
        if (GetType().IsDefined(typeof(UnderDeployLockAttribute), inherit: false) && !session.HoldsLock)
        {
            var name = GetType().GetCustomAttribute<TaskNameAttribute>()?.Name ?? GetType().Name;
            throw new ReleaseException(
                $"{name} changes the web hosts as one step of a deploy, under the deploy lock and after the steps before it, and this run holds no lock (was it run alone, with --exclusive?). "
                + $"Run it without --exclusive (--target={name} runs the steps it needs first), or --target=Deploy.");
        }
    }

    public override void Finally(DeployContext context)
    {
        if (_failed)
        {
            session.Abandon();
        }
    }
}
