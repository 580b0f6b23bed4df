using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// Debian packages installed; the missing ones are installed in one apt-get call, after the run's one apt-get update
/// (<paramref name="withoutRecommends"/>: without the packages they recommend, for one whose Recommends would bring a daemon).
/// </summary>
public sealed class PackagesResource(IReadOnlyList<string> packages, bool withoutRecommends = false) : IHostResource
{
    /// <summary>apt-get waits for a running unattended-upgrades (dpkg's lock) instead of failing at once.</summary>
    public const string Apt = "DEBIAN_FRONTEND=noninteractive apt-get -q -y -o DPkg::Lock::Timeout=600 -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold";

    public string Id => "packages " + string.Join(' ', packages);

    public string Probe => "dpkg-query -W -f='${Package} ${db:Status-Abbrev}\\n' " + string.Join(' ', packages.Select(Shell.Quote)) + "; true";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var installed = state.Select(line => line.Split(' ')).Where(f => f.Length >= 2 && f[1] == "ii").Select(f => f[0]).ToHashSet();
        var missing = packages.Where(p => !installed.Contains(p)).ToList();
        return missing.Count == 0
            ? null
            : new Change("missing " + string.Join(' ', missing), new RemoteCommand($"{Apt} install {(withoutRecommends ? "--no-install-recommends " : "")}{string.Join(' ', missing.Select(Shell.Quote))}", "install " + string.Join(' ', missing)) { Streams = true }, ChangeKind.CommandAfterPackageLists);
    }
}
