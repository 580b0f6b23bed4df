using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// People who had a sudoers drop-in from this suite but are no longer in the settings: their drop-in
/// is removed, their account locked and expired, and their authorized keys deleted, so that taking
/// someone out of the settings takes their access away. Their home folder and files are kept.
/// </summary>
public sealed class FormerPeopleResource(IReadOnlyCollection<string> logins) : IHostResource
{
    public const string DropInPrefix = "/etc/sudoers.d/coralnet-";

    public string Id => "former people";

    public string Probe => $"for f in {DropInPrefix}*; do [ -e \"$f\" ] && printf '%s\\n' \"${{f#{DropInPrefix}}}\"; done; true";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var former = state.Select(line => line.Trim()).Where(login => login.Length > 0 && !logins.Contains(login)).Order(StringComparer.Ordinal).ToList();
        if (former.Count == 0)
        {
            return null;
        }

        var script = string.Join(" && ", former.Select(login =>
        {
            var quoted = Shell.Quote(login);
            return $"rm -f {Shell.Quote(DropInPrefix + login)} && " +
                   $"{{ ! id -u {quoted} >/dev/null 2>&1 || {{ usermod -L -e 1 {quoted} && rm -f \"$(getent passwd {quoted} | cut -d: -f6)/.ssh/authorized_keys\"; }}; }}";
        }));
        return new Change("no longer in the settings: " + string.Join(", ", former), new RemoteCommand(script, "revoke " + string.Join(", ", former)));
    }
}
