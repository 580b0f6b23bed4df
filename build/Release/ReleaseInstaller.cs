using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>Puts a packaged release on the web hosts before the cutover: upload, venv, collected static files, and last its completion mark.</summary>
public sealed class ReleaseInstaller(ReleasePackage package, HostReleases hosts, ReleaseRunner runner, ReleaseCommands commands, ManifestCache manifests)
{
    /// <summary>
    /// Sends the release: on each host, the files unchanged since the serving release are hard-linked
    /// from it, only new and changed files cross the wire (one tar stream), and the manifest is verified there.
    /// </summary>
    public Task UploadAsync() => ForEachHost(async host =>
    {
        var previousId = (await hosts.GetAsync(host)).Before.Current;
        var previous = previousId is null ? null : await manifests.GetAsync(host, previousId);
        var diff = package.Snapshot.Manifest.CompareWith(previous);
        await runner.RunAsync(
            host,
            commands.Upload(package.Id, previousId, diff, package.ContentHash, s => ReleaseTar.Write(s, package.Snapshot, package.Id, diff, package.MadeAt)),
            $"{diff.ToSend.Count} file(s) sent, {diff.Unchanged.Count} linked from {previousId ?? "no previous release"}");
        manifests.Save(host, package.Id, package.Snapshot.Manifest);
    });

    /// <summary>
    /// Links the release to the venv of its requirements, made only when the requirements (or Python) changed; the
    /// first host also prints the venv and the migrate stamp of <paramref name="database"/> in the same round trip, returned (see <see cref="MigrationStamp"/>).
    /// </summary>
    public async Task<MigrationStamp.State?> InstallRequirementsAsync(string database)
    {
        var install = commands.Install.InstallRequirements(package.Id, package.Snapshot.Manifest.Find("requirements.txt")?.Sha256);
        var results = await Task.WhenAll(hosts.Targets.Select((host, i) => runner.RunAsync(host,
            i == 0 ? HostScript.Batch(install.Summary, [install, commands.Install.MigrateState(package.Id, database)]) : install)));
        return MigrationStamp.Parse(results[0].Stdout);
    }

    /// <summary>
    /// <c>manage.py collectstatic</c> into the release, on every host (when no static source and no venv
    /// changed since the serving release, its collected files are hard-linked instead); then, last, the
    /// release is marked complete.
    /// </summary>
    public Task CollectStaticAsync() => ForEachHost(async host => await runner.RunAsync(host, HostScript.Batch($"collect static files and complete {package.Id}",
        [commands.Install.CollectStatic(package.Id, (await hosts.GetAsync(host)).Before.Current), commands.MarkComplete(package.Id)])));

    private Task ForEachHost(Func<SshTarget, Task> step) => Task.WhenAll(hosts.Targets.Select(step));
}
