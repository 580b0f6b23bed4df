using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A directory with this owner, group and mode (set-id and sticky bits included, e.g. 3775; and cleared when not wanted).</summary>
public sealed class DirectoryResource(string path, string owner, string group, int mode) : IHostResource
{
    public string Id => "directory " + path;

    public string Probe => "st " + Shell.Quote(path);

    public Change? Plan(IReadOnlyList<string> state)
    {
        var current = FileState.Parse(state);
        // Five digits: GNU chmod keeps a directory's set-id bits for a four-digit mode (0755 leaves 2755 as it is).
        var set = $"chown {Shell.Quote(owner + ":" + group)} {Shell.Quote(path)} && chmod 0{FileState.Octal(mode)} {Shell.Quote(path)}";
        return current.Kind switch
        {
            FileKind.Absent => new Change("absent", new RemoteCommand($"mkdir -p {Shell.Quote(path)} && {set}", $"create {path}")),
            FileKind.Directory when current.Owner != owner || current.Group != group || current.Mode != mode => new Change(
                $"{current.Owner}:{current.Group} {FileState.Octal(current.Mode)}, want {owner}:{group} {FileState.Octal(mode)}",
                new RemoteCommand(set, $"set owner and mode of {path}")),
            FileKind.Directory => null,
            _ => new Change($"{path} exists and is not a directory: move it away by hand", new RemoteCommand($"echo {Shell.Quote(path + " is not a directory")} >&2; exit 1", $"refuse {path}")),
        };
    }
}
