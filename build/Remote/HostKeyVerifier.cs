namespace CoralNet.Deploy.Remote;

/// <summary>
/// Decides whether a host key is accepted: only when known_hosts lists it, or, for a host never seen
/// and with trust-on-first-use switched on, after recording it. A changed or revoked key is always refused.
/// </summary>
public sealed class HostKeyVerifier(string knownHostsFile, bool trustOnFirstUse)
{
    private readonly object _gate = new();
    private KnownHosts? _knownHosts;

    public KnownHosts KnownHosts
    {
        get
        {
            lock (_gate)
            {
                return _knownHosts ??= KnownHosts.Load(knownHostsFile);
            }
        }
    }

    /// <summary>Null when the key is accepted, else the reason it is refused.</summary>
    public string? Check(SshTarget target, byte[] key)
    {
        lock (_gate)
        {
            var knownHosts = KnownHosts;
            var fingerprint = KnownHosts.Fingerprint(key);
            var type = KnownHosts.KeyTypeOf(key);
            var name = KnownHosts.LookupName(target.Address, target.Port);
            switch (knownHosts.Verify(target.Address, target.Port, key))
            {
                case HostKeyVerdict.Trusted:
                    return null;
                case HostKeyVerdict.Unknown when trustOnFirstUse:
                    knownHosts.Append(knownHostsFile, target.Address, target.Port, key);
                    return null;
                case HostKeyVerdict.Unknown:
                    return $"{target}: unknown host key {type} {fingerprint}, not in {knownHostsFile}. "
                        + "Check that fingerprint on the host (ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub), then pin it: "
                        + "set Ssh.TrustOnFirstUse=true for one run (or pass --ssh_trustonfirstuse=true), which records the key, "
                        + $"or add the line '{KnownHosts.FormatLine(target.Address, target.Port, key)}' to {knownHostsFile}.";
                case HostKeyVerdict.Changed:
                    return $"{target}: the host key has CHANGED: it offered {type} {fingerprint}, which is not the key {knownHostsFile} lists for {name}. "
                        + "Someone may be intercepting the connection, or the host was rebuilt. Trust on first use never overrides this: "
                        + $"if the host was rebuilt, remove its old line (ssh-keygen -R '{name}' -f {knownHostsFile}) and pin the new key.";
                case HostKeyVerdict.OtherKeyType:
                    return $"{target}: offered a {type} key ({fingerprint}), but {knownHostsFile} lists only {string.Join(", ", knownHosts.KeyTypesFor(target.Address, target.Port))} keys for {name}. "
                        + $"Refused: add the {type} key to {knownHostsFile} after checking it on the host.";
                default:
                    return $"{target}: the host key {type} {fingerprint} is marked @revoked in {knownHostsFile}. Refused.";
            }
        }
    }
}
