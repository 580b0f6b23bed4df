using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// A systemd service enabled and running; with <paramref name="unitContent"/>, its unit file installed
/// under /etc/systemd/system first (daemon-reload and a restart when the file changed).
/// </summary>
public sealed class SystemdUnitResource(string unit, string? unitContent = null) : IHostResource
{
    private readonly FileResource? _file = unitContent is null ? null : new FileResource("/etc/systemd/system/" + unit, unitContent, "root", "root", Convert.ToInt32("644", 8));

    public string Id => "service " + unit;

    public string Probe =>
        (_file is null ? "" : _file.Probe + "\n")
        + $"echo \"enabled $(systemctl is-enabled {Shell.Quote(unit)})\"; echo \"active $(systemctl is-active {Shell.Quote(unit)})\"";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var fileChange = _file?.Plan(state.Where(l => !l.StartsWith("enabled ", StringComparison.Ordinal) && !l.StartsWith("active ", StringComparison.Ordinal)).ToList());
        var enabled = state.Contains("enabled enabled");
        var active = state.Contains("active active");
        if (fileChange is null && enabled && active)
        {
            return null;
        }

        var steps = new List<string>();
        var reasons = new List<string>();
        var quoted = Shell.Quote(unit);
        if (fileChange is not null)
        {
            steps.Add(fileChange.Command!.Script);
            steps.Add("systemctl daemon-reload");
            reasons.Add("unit file " + fileChange.Reason);
        }

        if (!enabled)
        {
            steps.Add($"systemctl enable {quoted}");
            reasons.Add("not enabled");
        }

        if (!active)
        {
            steps.Add($"systemctl start {quoted}");
            reasons.Add("not running");
        }
        else if (fileChange is not null)
        {
            steps.Add($"systemctl restart {quoted}");
        }

        var script = "(\n" + string.Join("\n", steps) + "\n)";
        var display = fileChange is null ? script : script.Replace(fileChange.Command!.Script, fileChange.Command.Display, StringComparison.Ordinal);
        return new Change(string.Join(", ", reasons), new RemoteCommand(script, $"install and start {unit}") { Display = display });
    }
}
