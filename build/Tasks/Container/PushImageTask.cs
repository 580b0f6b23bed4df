using System.Diagnostics;
using Cake.Core.Diagnostics;
using Cake.Docker;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("PushImage")]
[TaskDescription("Pushes the image BuildImage built, both its names, to Container.Registry (on a loopback address the suite runs Debian's docker-registry itself, its data under /var/lib/coralnet-deploy)")]
[IsDependentOn(typeof(CheckRegistryTask))]
[IsDependentOn(typeof(BuildImageTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy ships no image: Site.Runtime is host, or the hosts already serve the release")]
public sealed class PushImageTask(ImageRunSession session, ReleaseRunSession releases) : FrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => ImageRunSession.Wanted(context, releases.UpToDate);

    public override void Run(DeployContext context)
    {
        var image = session.Built ?? throw new InvalidOperationException("PushImage pushes what BuildImage built in the same run: run it without --exclusive.");
        var clock = Stopwatch.StartNew();
        foreach (var tag in new[] { image.ReleaseTag, image.CommitTag }.OfType<string>())
        {
            context.DockerPush(tag);
        }

        context.Log.Information("PushImage: pushed {0} to {1} in {2:0.0} s", image.ReleaseTag, context.Settings.Container.Registry, clock.Elapsed.TotalSeconds);
    }
}
