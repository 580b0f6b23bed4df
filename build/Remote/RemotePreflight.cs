namespace CoralNet.Deploy.Remote;

/// <summary>Everything about SSH that can be checked without connecting, reported together before the first connection.</summary>
public static class RemotePreflight
{
    /// <summary>What every unknown-host problem says, so that callers can tell them from the rest.</summary>
    public const string UnknownHost = "unknown host";

    public static IReadOnlyList<string> Check(SshOptions options, IReadOnlyList<SshTarget> hosts, KnownHosts knownHosts)
    {
        var problems = new List<string>();
        if (PrivateKeys.Check(options.PrivateKeyFile, options.Passphrase) is { } keyProblem)
        {
            problems.Add(keyProblem);
        }

        problems.AddRange(knownHosts.Problems.Select(p => $"Ssh.KnownHosts: {options.KnownHostsFile} {p}"));
        if (!options.TrustOnFirstUse)
        {
            problems.AddRange(hosts
                .Where(h => knownHosts.KeyTypesFor(h.Address, h.Port).Count == 0)
                .Select(h => $"{h}: {UnknownHost}, no key for {KnownHosts.LookupName(h.Address, h.Port)} in {options.KnownHostsFile}. "
                    + "Add its key there, or set Ssh.TrustOnFirstUse=true (--ssh_trustonfirstuse=true) for one run to record it."));
        }

        return problems;
    }
}
