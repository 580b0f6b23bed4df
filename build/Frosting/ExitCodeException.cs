// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
// Not in Cake.Frosting: a task whose own exit code is the run's (a command it ran for the user).
namespace Cake.Frosting;

/// <summary>The run fails with <paramref name="exitCode"/> instead of 1, saying <paramref name="message"/>.</summary>
public sealed class ExitCodeException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;
}
