namespace CoralNet.Deploy.Container;

/// <summary>
/// What follows a push: this machine's images of the releases the hosts no longer keep are removed (see
/// <see cref="LocalImageRetention"/>), and the suite's own registry forgets those of them it holds.
/// </summary>
/// <param name="remove">Removes an image name from this machine's engine: null when done, else why the engine kept it.</param>
/// <param name="registry">The suite's own registry; null when the images go elsewhere (ECR on AWS).</param>
public sealed class ImageHousekeeping(Func<string, string?> remove, LocalRegistry? registry, Action<string> say, Action<string> detail)
{
    /// <param name="listing">This machine's images, as <see cref="LocalImageRetention.ListingFormat"/> lists them.</param>
    /// <param name="repositories">The site's repositories the push named (the registry's, and ECR's on AWS).</param>
    /// <returns>What the registry could not forget, to be warned of (housekeeping never fails a push); null when all went.</returns>
    public string? Run(IEnumerable<string> listing, SiteImage image, IReadOnlyCollection<string> repositories, int keep)
    {
        var removed = new List<ImageName>();
        foreach (var name in LocalImageRetention.ToRemove(listing, repositories, keep, image.ReleaseId, image.BaseImage))
        {
            if (remove(name) is { } kept)
            {
                // An older base image that a kept release's image still stands on: it goes with that release.
                detail($"kept {name}: {kept}");
            }
            else
            {
                removed.Add(ImageName.Parse(name));
            }
        }

        if (removed.Count > 0)
        {
            say($"removed {removed.Count} image name(s) of releases this machine no longer keeps");
        }

        return registry?.Forget(removed);
    }
}
