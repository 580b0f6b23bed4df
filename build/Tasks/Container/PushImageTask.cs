using System.Diagnostics;
using Cake.Core.Diagnostics;
using Cake.Docker;
using Cake.Frosting;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("PushImage")]
[TaskDescription("Pushes the image BuildImage built to the registry: both its names to Container.Registry (on a loopback address the suite runs Debian's docker-registry itself, its data under /var/lib/coralnet-deploy); on AWS its release id to the environment's ECR repository, after a docker login")]
[IsDependentOn(typeof(CheckRegistryTask))]
[IsDependentOn(typeof(BuildImageTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy ships no image: Site.Runtime is host, or the hosts already serve the release")]
public sealed class PushImageTask(ImageRunSession session, RunRegistry registry, ReleaseRunSession releases) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => ImageRunSession.Wanted(context, releases.UpToDate);

    public override async Task RunAsync(DeployContext context)
    {
        var image = session.Built ?? throw new InvalidOperationException("PushImage pushes what BuildImage built in the same run: run it without --exclusive.");
        var clock = Stopwatch.StartNew();
        var target = await registry.ResolveAsync(context);
        await registry.LogInAsync(context);
        IEnumerable<string> names = [image.ReleaseTag, .. image.CommitTag is null ? [] : new[] { image.CommitTag }];
        if (ImageName.Parse(image.ReleaseTag).Repository != target.Repository)
        {
            // ECR's tags are immutable: only the release id, which never names another image, goes there.
            var releaseImage = target.Image(image.ReleaseId);
            context.DockerTag(image.ReleaseTag, releaseImage);
            names = [releaseImage];
        }

        foreach (var name in names)
        {
            context.DockerPush(name);
        }

        context.Log.Information("PushImage: pushed {0} to {1} in {2:0.0} s", names.First(), target.Address, clock.Elapsed.TotalSeconds);
        var local = context.Settings.Provider == ProviderKind.Aws ? null : session.Registry(context);
        var housekeeping = new ImageHousekeeping(name => Remove(context, name), local, text => context.Log.Information("PushImage: {0}", text), text => context.Log.Verbose("PushImage: {0}", text));
        if (housekeeping.Run(
            context.DockerImageLs(new DockerImageLsSettings { Format = LocalImageRetention.ListingFormat }),
            image,
            [.. names.Prepend(image.ReleaseTag).Select(name => ImageName.Parse(name).Repository).Distinct()],
            context.Settings.Site.KeepReleases) is { } failure)
        {
            context.Log.Warning("PushImage: {0}", failure);
        }
    }

    private static string? Remove(DeployContext context, string name)
    {
        try
        {
            context.DockerRmi(null, name);
            return null;
        }
        catch (DockerException inUse)
        {
            return inUse.Message.Split('\n')[0];
        }
    }
}
