using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A file or link that must not exist; <paramref name="thenRun"/> runs after removing it (a reload, say).</summary>
public sealed class AbsentResource(string path, string? thenRun = null) : IHostResource
{
    public string Id => "absent " + path;

    public string Probe => "st " + Shell.Quote(path);

    public Change? Plan(IReadOnlyList<string> state) => FileState.Parse(state).Kind switch
    {
        FileKind.Absent => null,
        FileKind.Directory => new Change($"{path} is a directory: remove it by hand", new RemoteCommand($"echo {Shell.Quote(path + " is a directory")} >&2; exit 1", $"refuse {path}")),
        _ => new Change("present", new RemoteCommand($"rm -f {Shell.Quote(path)}" + (thenRun is null ? "" : " && " + thenRun), $"remove {path}")),
    };
}
