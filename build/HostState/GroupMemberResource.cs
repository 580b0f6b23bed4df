using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A login that belongs to a group.</summary>
public sealed class GroupMemberResource(string login, string group) : IHostResource
{
    public string Id => $"member {login} of {group}";

    public string Probe => $"id -nG {Shell.Quote(login)} || echo '!nouser'";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var groups = string.Join(' ', state).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return groups.Contains(group)
            ? null
            : new Change(groups.Contains("!nouser") ? "no such user yet" : "not a member", new RemoteCommand($"usermod -a -G {Shell.Quote(group)} {Shell.Quote(login)}", $"add {login} to {group}"));
    }
}
