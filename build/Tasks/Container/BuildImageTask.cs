using System.Diagnostics;
using Cake.Core.Diagnostics;
using Cake.Docker;
using Cake.Frosting;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Container;

[TaskName("BuildImage")]
[TaskDescription("The site's image on this machine: the release's files on a base image of Debian's python3 and Django stack (made once from the sandbox's Debian tree), from the site's own Dockerfile or build/Templates/Dockerfile, app layer last; tagged with the release id and the git commit")]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy ships no image: Site.Runtime is host, or the hosts already serve the release")]
public sealed class BuildImageTask(ImageRunSession session, ReleaseRunSession releases) : FrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => ImageRunSession.Wanted(context, releases.UpToDate);

    public override void Run(DeployContext context)
    {
        var settings = context.Settings;
        var clock = Stopwatch.StartNew();
        var layout = session.Layout(context);
        session.StartEngine(context);
        var baseImage = new ContainerBaseImage(layout, Path.Combine(context.RepositoryRoot, settings.Sandbox.StateDirectory, "base"), settings.Site);
        if (!context.DockerImageLs(new DockerImageLsSettings { Filter = ["reference=" + baseImage.Name], Quiet = true }).Any())
        {
            context.Log.Information("BuildImage: making the base image {0} ({1}), once", baseImage.Name, string.Join(' ', baseImage.Packages));
            try
            {
                var baseContext = baseImage.PrepareContext(session.Runner);
                context.DockerBuild(new DockerImageBuildSettings { Tag = [baseImage.Name] }, baseContext);
            }
            finally
            {
                baseImage.RemoveContext(session.Runner);
            }
        }

        var siteDirectory = Path.GetFullPath(settings.Site.Source, context.RepositoryRoot);
        // In a deploy, the image is the release PackageRelease made: the hosts pull it by that id.
        var package = releases.Packaged ?? ReleasePackage.Take(siteDirectory, DateTimeOffset.UtcNow);
        var (snapshot, releaseId) = (package.Snapshot, package.Id);
        var commit = session.Runner.TryRun(ContainerCommands.GitCommit(siteDirectory)) is { Succeeded: true } git ? git.Output.Trim() : null;
        var image = SiteImage.Prepare(layout, snapshot, releaseId, commit, settings, baseImage.Name);
        context.DockerBuild(new DockerImageBuildSettings { File = image.Dockerfile, Tag = [image.ReleaseTag] }, image.ContextDirectory);
        if (image.CommitTag is not null)
        {
            context.DockerTag(image.ReleaseTag, image.CommitTag);
        }

        session.Built = image;
        context.Log.Information(
            "BuildImage: built {0}{1} from {2} in {3:0.0} s",
            image.ReleaseTag,
            image.CommitTag is null ? "" : ", " + image.CommitTag,
            image.SiteOwnDockerfile ? "the site's Dockerfile" : "build/Templates/Dockerfile",
            clock.Elapsed.TotalSeconds);
    }
}
