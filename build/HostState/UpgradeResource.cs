using System.Globalization;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// System packages upgraded within <paramref name="maxAge"/>. Asking apt what is upgradable costs
/// more than the whole rest of a probe, so a stamp file records the last upgrade instead.
/// </summary>
public sealed class UpgradeResource(TimeSpan maxAge) : IHostResource
{
    public const string Stamp = "/var/lib/coralnet-deploy/upgraded";

    public string Id => "packages upgraded";

    public string Probe => $"echo \"now $(date +%s)\"; echo \"stamp $(stat -c %Y {Stamp} || echo none)\"";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var now = Value(state, "now");
        var stamp = Value(state, "stamp");
        if (now is not null && stamp is not null && now.Value - stamp.Value < maxAge.TotalSeconds)
        {
            return null;
        }

        var reason = stamp is null ? "never upgraded by the suite" : $"last upgrade {(now - stamp) / 3600} h ago";
        return new Change(reason, new RemoteCommand($"{PackagesResource.Apt} upgrade && mkdir -p {Path.GetDirectoryName(Stamp)} && touch {Stamp}", "upgrade system packages") { Streams = true }, ChangeKind.CommandAfterPackageLists);
    }

    private static long? Value(IReadOnlyList<string> state, string name) =>
        state.Select(l => l.Split(' ')).Where(f => f.Length == 2 && f[0] == name)
            .Select(f => long.TryParse(f[1], NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (long?)null).FirstOrDefault();
}
