using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// Everything under a folder owned by root:root, writable by its owner only, with no set-id bit,
/// but for the <paramref name="excluded"/> paths (kept as they are, with what is under them); symbolic
/// links are neither followed nor changed. This is what lets root work in the folder without reading
/// anything another account could change; it also converts a tree left by an earlier layout (group
/// www-data, setgid, group-writable) in one pass.
/// </summary>
public sealed class RootOwnedTreeResource(string path, IReadOnlyList<string> excluded) : IHostResource
{
    public string Id => "root-owned tree " + path;

    public string Probe => $"[ ! -d {Shell.Quote(path)} ] || find {Shell.Quote(path)} -xdev {Pruned} \\( ! -user root -o ! -group root -o -perm /6022 \\) -printf 'wrong %u:%g %m %p\\n' -quit";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var wrong = state.FirstOrDefault(l => l.StartsWith("wrong ", StringComparison.Ordinal));
        return wrong is null
            ? null
            : new Change(
                $"not root's only: {wrong[6..]}",
                new RemoteCommand($"find {Shell.Quote(path)} -xdev {Pruned} -exec chown -h root:root {{}} + -exec chmod go-w,ug-s {{}} +", $"make {path} root's"));
    }

    private string Pruned => "\\( " + string.Join(" -o ", excluded.Select(e => "-path " + Shell.Quote(e)).Append("-type l")) + " \\) -prune -o";
}
