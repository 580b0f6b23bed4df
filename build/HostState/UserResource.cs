using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>A login that exists, made as the manual setup does: <c>adduser NAME --disabled-password</c> (key login only).</summary>
public sealed class UserResource(string login) : IHostResource
{
    public string Id => "user " + login;

    public string Probe => $"getent passwd {Shell.Quote(login)} >/dev/null && echo present || echo absent";

    public Change? Plan(IReadOnlyList<string> state) => state.Contains("present")
        ? null
        : new Change("absent", new RemoteCommand($"adduser --disabled-password --gecos '' {Shell.Quote(login)}", $"create user {login}"));
}
