using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A group that exists.</summary>
public sealed class GroupResource(string group) : IHostResource
{
    public string Id => "group " + group;

    public string Probe => $"getent group {Shell.Quote(group)} >/dev/null && echo present || echo absent";

    public Change? Plan(IReadOnlyList<string> state) => state.Contains("present")
        ? null
        : new Change("absent", new RemoteCommand($"groupadd {Shell.Quote(group)}", $"create group {group}"));
}
