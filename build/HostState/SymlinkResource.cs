using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A symbolic link at a path, pointing at a target; switched atomically when it points elsewhere.</summary>
public sealed class SymlinkResource(string path, string target) : IHostResource
{
    public string Id => "symlink " + path;

    public string Probe => "st " + Shell.Quote(path);

    public Change? Plan(IReadOnlyList<string> state)
    {
        var current = FileState.Parse(state);
        if (current.Kind == FileKind.Link && current.LinkTarget == target)
        {
            return null;
        }

        if (current.Kind is not (FileKind.Link or FileKind.Absent))
        {
            return new Change($"{path} exists and is not a link: move it away by hand", new RemoteCommand($"echo {Shell.Quote(path + " is not a symbolic link")} >&2; exit 1", $"refuse {path}"));
        }

        var staging = path.TrimEnd('/') + ".coralnet-new";
        return new Change(
            current.Kind == FileKind.Absent ? "absent" : $"points at {current.LinkTarget}",
            new RemoteCommand($"ln -sfn {Shell.Quote(target)} {Shell.Quote(staging)} && mv -Tf {Shell.Quote(staging)} {Shell.Quote(path)}", $"link {path} -> {target}"));
    }
}
