using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>
/// The commands sent to the load balancer host: HAProxy's runtime API over its root-only socket (through
/// socat). Each asks again for up to 5 s while the API does not answer: a reload of HAProxy (its first
/// configuration, on the same deploy's first roll) binds the socket anew.
/// </summary>
public sealed class HaproxyCommands(string socket, string backend)
{
    public const string Packages = "haproxy socat";

    /// <summary>
    /// Sets each server's state (ready, drain, maint), then reads the statistics in the same session of the
    /// API (one round trip: what a drain or a return waits on next, read after the change). The API answers
    /// nothing to a change it took, else why not: anything before the statistics' header is a refusal.
    /// </summary>
    public RemoteCommand SetState(IReadOnlyList<string> servers, string state) => new(
        Ask(servers.Select(s => $"set server {backend}/{s} state {state}").Append("show stat"))
        + "refusal=$(printf '%s\\n' \"$answer\" | sed '/^# /,$d')\n"
        + "if [ -n \"$(printf '%s' \"$refusal\" | tr -d '[:space:]')\" ]; then printf 'HAProxy refused: %s\\n' \"$refusal\" >&2; exit 1; fi\n"
        + "printf '%s\\n' \"$answer\"\n"
        + $"echo {RemoteCommand.Changed}",
        $"{state} {string.Join(", ", servers)} at the load balancer");

    /// <summary>The servers' statistics (CSV), then ok.</summary>
    public RemoteCommand ShowStat() => new(
        Ask(["show stat"]) + $"printf '%s\\n' \"$answer\"\necho {RemoteCommand.Ok}",
        "read the load balancer's servers");

    /// <summary>Sends the requests in one session of the API and keeps its answer in <c>answer</c>; an empty answer or none is asked again.</summary>
    private string Ask(IEnumerable<string> requests) =>
        $"for try in $(seq 50); do\n"
        + $"  answer=$(printf '%s\\n' {Shell.Quote(string.Join("; ", requests))} | socat -t 5 stdio UNIX-CONNECT:{Shell.Quote(socket)} 2>/dev/null) && [ -n \"$answer\" ] && break\n"
        + "  answer=''; sleep 0.1\n"
        + "done\n"
        + $"if [ -z \"$answer\" ]; then echo 'HAProxy'\\''s runtime API at {socket} did not answer within 5 s' >&2; exit 1; fi\n";
}
