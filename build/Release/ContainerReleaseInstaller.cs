using CoralNet.Deploy.Container;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Puts a release of Site.Runtime container on the web hosts before the cutover: its image pulled
/// (only the layers a host lacks cross), migrate and collectstatic as one-off containers of it, and
/// last its completion mark. The cutover then runs the image as it runs a host release.
/// </summary>
public sealed class ContainerReleaseInstaller(HostReleases hosts, ReleaseRunner runner, ReleaseCommands commands, ReleaseOptions options)
{
    private readonly ContainerReleaseCommands _containers = new(commands);

    private HostRegistry Registry => options.Registry ?? throw new InvalidOperationException("Site.Runtime container needs the registry the hosts pull from.");

    /// <summary>The release's directory on every host, and its image pulled there.</summary>
    public Task PullAsync(ReleasePackage package) => ForEachHost(host => runner.RunAsync(host, _containers.Pull(
        package.Id, Image(package.Id), package.Snapshot.Manifest.ToText(), ReleaseTar.ReleaseEnvironment(package.Snapshot, package.Id), Registry.Address)));

    /// <summary><c>manage.py migrate</c> in a container of the release's image, once (the hosts share the database).</summary>
    public Task MigrateAsync(SshTarget host, string id) => runner.RunAsync(host, _containers.Migrate(id, Image(id)));

    /// <summary>collectstatic in a container of the release's image on every host, then the release's completion mark.</summary>
    public Task CollectStaticAsync(string id) => ForEachHost(host => runner.RunAsync(host, HostScript.Batch($"collect static files and complete {id}",
        [_containers.CollectStatic(id, Image(id)), commands.MarkComplete(id)])));

    private string Image(string id) => Registry.Image(options.Site, id);

    private Task ForEachHost(Func<SshTarget, Task> step) => Task.WhenAll(hosts.Targets.Select(step));
}
