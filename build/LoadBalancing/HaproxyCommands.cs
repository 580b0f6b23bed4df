using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>The commands sent to the load balancer host: HAProxy's runtime API over its root-only socket (through socat).</summary>
public sealed class HaproxyCommands(string socket, string backend)
{
    public const string Packages = "haproxy socat";

    /// <summary>
    /// Sets each server's state (ready, drain, maint), then reads the statistics in the same session of the
    /// API (one round trip: what a drain or a return waits on next, read after the change). The API answers
    /// nothing to a change it took, else why not: anything before the statistics' header is a refusal.
    /// </summary>
    public RemoteCommand SetState(IReadOnlyList<string> servers, string state)
    {
        var requests = string.Join("; ", servers.Select(s => $"set server {backend}/{s} state {state}").Append("show stat"));
        return new RemoteCommand(
            $"answer=$(printf '%s\\n' {Shell.Quote(requests)} | socat -t 5 stdio UNIX-CONNECT:{Shell.Quote(socket)})\n"
            + "refusal=$(printf '%s\\n' \"$answer\" | sed '/^# /,$d')\n"
            + "if [ -n \"$(printf '%s' \"$refusal\" | tr -d '[:space:]')\" ]; then printf 'HAProxy refused: %s\\n' \"$refusal\" >&2; exit 1; fi\n"
            + "printf '%s\\n' \"$answer\"\n"
            + $"echo {RemoteCommand.Changed}",
            $"{state} {string.Join(", ", servers)} at the load balancer");
    }

    /// <summary>The servers' statistics (CSV), then ok.</summary>
    public RemoteCommand ShowStat() => new(
        $"printf 'show stat\\n' | socat -t 5 stdio UNIX-CONNECT:{Shell.Quote(socket)}\necho {RemoteCommand.Ok}",
        "read the load balancer's servers");
}
