using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>The commands sent to the load balancer host: HAProxy's runtime API over its root-only socket (through socat).</summary>
public sealed class HaproxyCommands(string socket, string backend)
{
    public const string Packages = "haproxy socat";

    /// <summary>Sets each server's state (ready, drain, maint); the API answers nothing when it took the change, else why not.</summary>
    public RemoteCommand SetState(IReadOnlyList<string> servers, string state)
    {
        var requests = string.Join("; ", servers.Select(s => $"set server {backend}/{s} state {state}"));
        return new RemoteCommand(
            $"answer=$(printf '%s\\n' {Shell.Quote(requests)} | socat -t 5 stdio UNIX-CONNECT:{Shell.Quote(socket)})\n"
            + "if [ -n \"$(printf '%s' \"$answer\" | tr -d '[:space:]')\" ]; then printf 'HAProxy refused: %s\\n' \"$answer\" >&2; exit 1; fi\n"
            + $"echo {RemoteCommand.Changed}",
            $"{state} {string.Join(", ", servers)} at the load balancer");
    }

    /// <summary>The servers' statistics (CSV), then ok.</summary>
    public RemoteCommand ShowStat() => new(
        $"printf 'show stat\\n' | socat -t 5 stdio UNIX-CONNECT:{Shell.Quote(socket)}\necho {RemoteCommand.Ok}",
        "read the load balancer's servers");
}
