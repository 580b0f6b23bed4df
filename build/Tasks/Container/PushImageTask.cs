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
        if (!image.ReleaseTag.StartsWith(target.Repository + ":", StringComparison.Ordinal))
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
        var old = RemoveOldImages(context, image, [.. names.Prepend(image.ReleaseTag).Select(name => ImageName.Parse(name).Repository).Distinct()]);
        if (context.Settings.Provider != ProviderKind.Aws)
        {
            var repository = SiteImage.Repository(context.Settings.Container, context.Settings.Site);
            if (session.Registry(context).Forget(context.Settings.Site.Name, old.Select(ImageName.Parse).Where(name => name.Repository == repository).Select(name => name.Tag)) is { } failure)
            {
                context.Log.Warning("PushImage: {0}", failure);
            }
        }
    }

    /// <summary>This machine keeps the images of the releases the hosts keep (see <see cref="LocalImageRetention"/>); returns the names it removed.</summary>
    private static List<string> RemoveOldImages(DeployContext context, SiteImage image, IReadOnlyCollection<string> repositories)
    {
        var listing = context.DockerImageLs(new DockerImageLsSettings { Format = LocalImageRetention.ListingFormat });
        var old = LocalImageRetention.ToRemove(listing, repositories, context.Settings.Site.KeepReleases, image.ReleaseId, image.BaseImage);
        var removed = new List<string>();
        foreach (var name in old)
        {
            try
            {
                context.DockerRmi(null, name);
                removed.Add(name);
            }
            catch (DockerException inUse)
            {
                // An older base image that a kept release's image still stands on: it goes with that release.
                context.Log.Verbose("PushImage: kept {0}: {1}", name, inUse.Message.Split('\n')[0]);
            }
        }

        if (removed.Count > 0)
        {
            context.Log.Information("PushImage: removed {0} image name(s) of releases this machine no longer keeps", removed.Count);
        }

        return removed;
    }
}
