using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>A local folder keeping each host's manifests of the releases it was sent, so that the serving release's manifest need not cross the wire again.</summary>
public sealed class ManifestCache(string directory, string siteName, ReleaseRunner runner, ReleaseCommands commands)
{
    /// <summary>The manifest of <paramref name="id"/> on the host: the cached one when its hash is the id's, else read from the host (and cached).</summary>
    public async Task<ReleaseManifest> GetAsync(SshTarget host, string id)
    {
        var cached = File(host, id);
        if (System.IO.File.Exists(cached))
        {
            var manifest = ReleaseManifest.Parse(await System.IO.File.ReadAllTextAsync(cached));
            if (id.EndsWith("-" + manifest.ContentHash()[..ReleaseId.HashLength], StringComparison.Ordinal))
            {
                return manifest;
            }
        }

        var text = (await runner.RunAsync(host, commands.ReadManifest(id))).Stdout;
        var fromHost = ReleaseManifest.Parse(text[..text.TrimEnd().LastIndexOf('\n')]);
        Save(host, id, fromHost);
        return fromHost;
    }

    public void Save(SshTarget host, string id, ReleaseManifest manifest)
    {
        var file = File(host, id);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        System.IO.File.WriteAllText(file, manifest.ToText());
    }

    private string File(SshTarget host, string id) => Path.Combine(directory, siteName, host.Name, id + ".manifest");
}
