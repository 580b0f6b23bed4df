using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// A system user with a group of its own, no login shell, no home, and in no other group: what a
/// service runs as (<c>adduser --system --group</c>). A user of that name found with a shell or other
/// groups is brought back to that.
/// </summary>
public sealed class SystemUserResource(string login) : IHostResource
{
    public const string NoLogin = "/usr/sbin/nologin";

    public string Id => "system user " + login;

    public string Probe => $"getent passwd {Shell.Quote(login)} | cut -d: -f7 | sed 's/^/shell /'; id -nG {Shell.Quote(login)} | sed 's/^/groups /'";

    public Change? Plan(IReadOnlyList<string> state)
    {
        var shell = state.FirstOrDefault(l => l.StartsWith("shell ", StringComparison.Ordinal))?[6..];
        if (shell is null)
        {
            return new Change("absent", new RemoteCommand(
                $"adduser --system --group --no-create-home --home /nonexistent --shell {NoLogin} {Shell.Quote(login)}", $"create system user {login}"));
        }

        var groups = state.FirstOrDefault(l => l.StartsWith("groups ", StringComparison.Ordinal))?[7..].Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
        if (shell == NoLogin && groups.SequenceEqual([login]))
        {
            return null;
        }

        return new Change(
            $"shell {shell}, groups {string.Join(' ', groups)}; want {NoLogin}, only {login}",
            new RemoteCommand($"usermod -s {NoLogin} -g {Shell.Quote(login)} -G '' {Shell.Quote(login)}", $"make {login} a system user again"));
    }
}
