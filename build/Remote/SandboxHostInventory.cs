using System.Text.Json;

namespace CoralNet.Deploy.Remote;

/// <summary>
/// Reads the hosts the sandbox wrote (STATE/hosts.json: [{"name":"web1","address":"10.213.0.2","role":"web"}])
/// and returns the web hosts the settings name. The one place that knows the sandbox's file format.
/// </summary>
public sealed class SandboxHostInventory(string hostsFile, IReadOnlyList<string> webHostNames, int port) : IHostInventory
{
    private sealed record Entry(string Name, string Address, string Role);

    public IReadOnlyList<SshTarget> WebHosts()
    {
        if (!File.Exists(hostsFile))
        {
            throw new InvalidOperationException($"No sandbox host list at {hostsFile}: start the sandbox first (./build.sh --target=SandboxUp).");
        }

        List<Entry> entries;
        try
        {
            entries = JsonSerializer.Deserialize<List<Entry>>(File.ReadAllText(hostsFile), new JsonSerializerOptions(JsonSerializerDefaults.Web)) ?? [];
        }
        catch (JsonException exception)
        {
            throw new InvalidOperationException($"{hostsFile} is not the sandbox's host list: {exception.Message}. Run ./build.sh --target=SandboxUp to rewrite it.", exception);
        }

        var missing = webHostNames.Where(name => !entries.Any(e => e.Name == name && e.Role == "web")).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The sandbox has no web host {string.Join(", ", missing)} (see {hostsFile}): run ./build.sh --target=SandboxUp.");
        }

        return webHostNames.Select(name => entries.First(e => e.Name == name && e.Role == "web")).Select(e => new SshTarget(e.Name, e.Address, port)).ToList();
    }
}
