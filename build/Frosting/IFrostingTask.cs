// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;

namespace Cake.Frosting;

/// <summary>A unit of work in the task graph.</summary>
public interface IFrostingTask
{
    Task RunAsync(ICakeContext context);

    bool ShouldRun(ICakeContext context);

    void OnError(Exception exception, ICakeContext context);

    void Finally(ICakeContext context);
}
