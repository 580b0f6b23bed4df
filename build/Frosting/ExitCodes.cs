// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>What the process's exit code says: 0 done, 1 a failure (the error says what to do), 2 a usage error (nothing ran).</summary>
public static class ExitCodes
{
    public const int Failure = 1;
    public const int UsageError = 2;
}
