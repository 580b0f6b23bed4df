namespace CoralNet.Deploy.HostState;

/// <summary>
/// The host rebooted when a package asked for it through /var/run/reboot-required, only when the run
/// is allowed to (<paramref name="allowed"/>; it then holds the deploy lock); otherwise the pending
/// reboot is reported in the recap and nothing happens.
/// </summary>
public sealed class RebootResource(bool allowed) : IHostResource
{
    public const string Marker = "/var/run/reboot-required";

    public string Id => "reboot if required";

    public string Probe => $"[ -e {Marker} ] && echo required || echo no";

    public Change? Plan(IReadOnlyList<string> state) => !state.Contains("required")
        ? null
        : allowed
            ? new Change($"{Marker} exists", null, ChangeKind.Reboot)
            : new Change($"a reboot is pending ({Marker} exists); not rebooted: run with --allow-reboot (or Host_AllowReboot=true) to reboot under the deploy lock", null, ChangeKind.Pending);
}
