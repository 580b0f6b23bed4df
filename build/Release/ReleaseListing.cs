using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>What a host holds of a site: its complete releases (oldest first), the one <c>current</c> names, the slots and the serving slot, and the state of the files the deploy installs.</summary>
public sealed record ReleaseListing(
    IReadOnlyList<string> Releases,
    string? Current,
    IReadOnlyDictionary<int, string> Slots,
    int? ServingSlot)
{
    /// <summary>Reads the output of <see cref="ReleaseCommands.ListReleases"/>.</summary>
    public static ReleaseListing Parse(string output)
    {
        var releases = new List<string>();
        var incomplete = new List<string>();
        string? content = null;
        var running = false;
        string? current = null;
        int? serving = null;
        var slots = new Dictionary<int, string>();
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        Tls.CertificateLine? certificate = null;
        string? due = null;
        string? instances = null;
        int? proxied = null;
        var boot = new List<int>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var fields = line.Split('\t');
            switch (fields)
            {
                case ["release", var id] when ReleaseId.IsValid(id):
                    releases.Add(id);
                    break;
                case ["incomplete", var id] when ReleaseId.IsValid(id):
                    incomplete.Add(id);
                    break;
                case ["running"]:
                    running = true;
                    break;
                case ["content", var hash]:
                    content = hash;
                    break;
                case ["current", var id]:
                    current = ReleaseId.Require(id);
                    break;
                case ["serving", var port]:
                    serving = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case ["slot", var port, var id]:
                    slots[int.Parse(port, System.Globalization.CultureInfo.InvariantCulture)] = ReleaseId.Require(id);
                    break;
                case ["proxied", var port]:
                    proxied = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture);
                    break;
                case ["boot", var port]:
                    boot.Add(int.Parse(port, System.Globalization.CultureInfo.InvariantCulture));
                    break;
                case ["file", var path, var state]:
                    files[path] = state;
                    break;
                case ["certificate", _, _, _]:
                    certificate = Tls.CertificateLine.Parse(line);
                    break;
                case ["certificate-due", var reason]:
                    due = reason;
                    break;
                case ["instances", var kind]:
                    instances = kind;
                    break;
                case [RemoteCommand.Ok] or [RemoteCommand.Changed]:
                    break;
                default:
                    throw new FormatException($"Unexpected line in the release listing: '{line}'.");
            }
        }

        releases.Sort(StringComparer.Ordinal);
        incomplete.Sort(StringComparer.Ordinal);
        return new ReleaseListing(releases, current, slots, serving) { Files = files, Incomplete = incomplete, CurrentContent = content, ServingRuns = running, Certificate = certificate, CertificateDue = due, Instances = instances, ProxiedSlot = proxied, BootSlots = boot };
    }

    /// <summary>Releases not marked complete: left by a deploy that failed or was stopped before the end; removed by the next deploy, never listed, kept or rolled back to.</summary>
    public IReadOnlyList<string> Incomplete { get; init; } = [];

    /// <summary>The SHA-256 of the serving release's manifest: equal to a package's <see cref="ReleasePackage.ContentHash"/> when it carries the same files.</summary>
    public string? CurrentContent { get; init; }

    /// <summary>The site's certificate on the host, when the listing read it.</summary>
    public Tls.CertificateLine? Certificate { get; init; }

    /// <summary>Why the certificate must be requested (missing, other names, expiring within 30 days), when the listing read it; null when it need not be.</summary>
    public string? CertificateDue { get; init; }

    /// <summary>How the slots' unit installed on the host runs the site (see <see cref="SlotInstances"/>); null when it has none.</summary>
    public string? Instances { get; init; }

    /// <summary>The port nginx's site proxies to (null without the site): the serving slot, unless a run was killed between the two.</summary>
    public int? ProxiedSlot { get; init; }

    /// <summary>The ports of the instances enabled to start at boot (Site.Runtime container enables the serving one).</summary>
    public IReadOnlyList<int> BootSlots { get; init; } = [];

    /// <summary>Whether the gunicorn instance of the serving slot runs.</summary>
    public bool ServingRuns { get; init; }

    /// <summary>The installed files the listing reports: path to "SHA256:MODE:OWNER:GROUP".</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>What the host lists once <paramref name="id"/> is current and serves from the gunicorn instance on <paramref name="slot"/>.</summary>
    public ReleaseListing AfterCutover(string id, int slot) => this with
    {
        Releases = [.. Releases.Append(ReleaseId.Require(id)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
        Current = id,
        Incomplete = [.. Incomplete.Where(r => r != id)],
        Slots = new Dictionary<int, string>(Slots) { [slot] = id },
        ServingSlot = slot,
    };

    /// <summary>The release before <see cref="Current"/>: where a rollback goes.</summary>
    public string? Previous =>
        Current is null ? null : Releases.Where(r => string.CompareOrdinal(r, Current) < 0).LastOrDefault();

    /// <summary>One line per release, newest first, the serving one marked.</summary>
    public IEnumerable<string> Describe() =>
        Releases.Reverse().Select(r => (r == Current ? "* " : "  ") + r
            + string.Concat(Slots.Where(s => s.Value == r).OrderBy(s => s.Key).Select(s => $"  [gunicorn :{s.Key}{(s.Key == ServingSlot ? ", serving" : "")}]")));
}
