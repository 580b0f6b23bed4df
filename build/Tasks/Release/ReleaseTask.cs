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
            await RunAsync(context, session.Deployer(context));
        }
        catch
        {
            _failed = true;
            throw;
        }
    }

    protected abstract Task RunAsync(DeployContext context, ReleaseDeployer deployer);

    public override void Finally(DeployContext context)
    {
        if (_failed)
        {
            session.Abandon();
        }
    }
}
