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
    private ContainerReleaseCommands Containers => commands.Containers;

    private HostRegistry Registry => options.Registry ?? throw new InvalidOperationException("Site.Runtime container needs the registry the hosts pull from.");

    /// <summary>The release's directory on every host, and its image pulled there; the first host also prints the migrate stamp of <paramref name="database"/>, returned (see <see cref="MigrationStamp"/>).</summary>
    public async Task<MigrationStamp.State?> PullAsync(ReleasePackage package, string database)
    {
        var results = await Task.WhenAll(hosts.Targets.Select((host, i) => runner.RunAsync(host, Containers.Pull(
            package.Id, Image(package.Id), package.Snapshot.Manifest.ToText(), ReleaseTar.ReleaseEnvironment(package.Snapshot, package.Id), Registry,
            i == 0 ? [Containers.MigrateState(database, Image(package.Id))] : []))));
        return MigrationStamp.Parse(results[0].Stdout);
    }

    /// <summary><c>manage.py migrate</c> in a container of the release's image, once (the hosts share the database); it leaves the stamp of <paramref name="key"/>.</summary>
    public Task MigrateAsync(SshTarget host, string id, string database, string key, string address) => runner.RunAsync(host, Containers.Migrate(id, Image(id), database, key, address));

    /// <summary>collectstatic in a container of the release's image on every host (or the serving release's files linked, when nothing it reads changed), then the release's completion mark.</summary>
    public Task CollectStaticAsync(ReleasePackage package) => ForEachHost(async host => await runner.RunAsync(host, HostScript.Batch($"collect static files and complete {package.Id}",
        [Containers.CollectStatic(package.Id, Image(package.Id), (await hosts.GetAsync(host)).Before.Current, StaticKey(package)), commands.MarkComplete(package.Id)])));

    /// <summary>What collectstatic's output depends on: the site's static files, settings, requirements and Dockerfile, and the packages of the base image.</summary>
    private string StaticKey(ReleasePackage package) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        string.Concat(package.Snapshot.Manifest.Entries.Where(e => StaticInputs.IsMatch(e.Path)).Select(e => e.ToLine() + "\n"))
        + string.Join(' ', options.Site.ExtraPackages))));

    private static readonly System.Text.RegularExpressions.Regex StaticInputs = new(@"(^|/)static/|(^|/)settings[^/]*\.py$|^requirements\.txt$|^Dockerfile$");

    private string Image(string id) => Registry.Image(id);

    private Task ForEachHost(Func<SshTarget, Task> step) => Task.WhenAll(hosts.Targets.Select(step));
}
