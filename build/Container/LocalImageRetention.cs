using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Container;

/// <summary>
/// What the image builder on this machine keeps of the site's images after a push, so that its state folder
/// does not grow with every release: the newest <c>Site.KeepReleases</c> release ids of the site's repositories
/// (the web hosts keep as many releases), their commit names, and the base image the site is built on now.
/// Every other release id, commit name and base image of the suite's is removed (its layers go with the last name).
/// </summary>
public static class LocalImageRetention
{
    /// <summary>A line of <c>docker image ls</c> in this format: the image's name and its id.</summary>
    public const string ListingFormat = "{{.Repository}}:{{.Tag}} {{.ID}}";

    /// <summary>The names to remove among the <paramref name="listing"/>'s lines (<see cref="ListingFormat"/>).</summary>
    /// <param name="repositories">The site's repositories on this machine (the registry's, and ECR's on AWS).</param>
    /// <param name="built">The release id this run built: kept whatever the others.</param>
    public static IReadOnlyList<string> ToRemove(IEnumerable<string> listing, IReadOnlyCollection<string> repositories, int keep, string built, string baseImage)
    {
        var images = listing.Select(line => line.Split(' ', 2)).Where(fields => fields.Length == 2)
            .Select(fields => (Name: fields[0], Id: fields[1], Parsed: ImageName.Parse(fields[0])))
            .Select(image => (image.Name, image.Id, image.Parsed.Repository, image.Parsed.Tag))
            .ToList();
        var site = images.Where(image => repositories.Contains(image.Repository)).ToList();
        var keptIds = site.Where(image => ReleaseId.IsValid(image.Tag)).Select(image => image.Tag).Distinct()
            .OrderDescending(StringComparer.Ordinal).Take(keep).Append(built).ToHashSet();
        var keptImages = site.Where(image => keptIds.Contains(image.Tag)).Select(image => image.Id).ToHashSet();
        return
        [
            .. site.Where(image => ReleaseId.IsValid(image.Tag) ? !keptIds.Contains(image.Tag) : image.Tag.StartsWith("git-", StringComparison.Ordinal) && !keptImages.Contains(image.Id))
                .Select(image => image.Name),
            .. images.Where(image => image.Repository == ContainerBaseImage.Repository && image.Name != baseImage).Select(image => image.Name),
        ];
    }
}
