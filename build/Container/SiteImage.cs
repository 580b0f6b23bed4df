using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>What the docker client builds the site's image from: the context, the Dockerfile and the image's names.</summary>
/// <param name="ReleaseTag">The image named after the release: REGISTRY/SITE:RELEASE_ID.</param>
/// <param name="CommitTag">The same image named after the checkout's commit (git-COMMIT), or null outside a git checkout.</param>
/// <param name="BaseImage">The base image it is built on.</param>
public sealed record SiteImage(string ContextDirectory, string Dockerfile, bool SiteOwnDockerfile, string ReleaseTag, string? CommitTag, string BaseImage)
{
    /// <summary>The Dockerfile a site brings at its root is used as it is.</summary>
    public const string SiteDockerfileName = "Dockerfile";

    public static string Repository(ContainerSettings container, SiteSettings site) => $"{container.Registry}/{site.Name}";

    /// <summary>The release id the image is named after.</summary>
    public string ReleaseId => ImageName.Parse(ReleaseTag).Tag;

    /// <summary>
    /// Stages the release's files (what a host deploy would upload, .deployignore applied) as the
    /// build context, and picks the site's own Dockerfile or renders the template beside the context.
    /// </summary>
    public static SiteImage Prepare(ContainerLayout layout, SiteSnapshot snapshot, string releaseId, string? commit, DeploySettings settings, string baseImage)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new ContainerException("The site's image is built only on Linux (podman and docker-registry run here); build it on a Linux machine.");
        }

        if (Directory.Exists(layout.ImageContext))
        {
            Directory.Delete(layout.ImageContext, recursive: true);
        }

        foreach (var entry in snapshot.Manifest.Entries)
        {
            var target = Path.Combine(layout.ImageContext, entry.Path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(snapshot.FullPath(entry), target);
            File.SetUnixFileMode(target, (UnixFileMode)Convert.ToInt32(entry.Mode, 8));
        }

        var own = snapshot.Manifest.Entries.Any(entry => entry.Path == SiteDockerfileName);
        if (!own)
        {
            File.WriteAllText(layout.RenderedDockerfile, ContainerTemplates.Dockerfile(settings.Site, baseImage));
        }

        var repository = Repository(settings.Container, settings.Site);
        return new SiteImage(
            layout.ImageContext,
            own ? Path.Combine(layout.ImageContext, SiteDockerfileName) : layout.RenderedDockerfile,
            own,
            $"{repository}:{releaseId}",
            commit is null ? null : $"{repository}:git-{commit}",
            baseImage);
    }
}
