namespace CoralNet.Deploy.HostState;

/// <summary>The host rebooted when a package asked for it through /var/run/reboot-required.</summary>
public sealed class RebootResource : IHostResource
{
    public string Id => "reboot if required";

    public string Probe => "[ -e /var/run/reboot-required ] && echo required || echo no";

    public Change? Plan(IReadOnlyList<string> state) =>
        state.Contains("required") ? new Change("/var/run/reboot-required exists", null, ChangeKind.Reboot) : null;
}
