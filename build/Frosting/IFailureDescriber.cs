// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>
/// Says in one line what an expected failure means and what to do about it (a setting that is wrong,
/// a host that does not answer...), or null for a failure nobody expected: a bug, which the host reports
/// as such. Registered as a service; without one, only Cake's own failures count as expected.
/// </summary>
public interface IFailureDescriber
{
    string? Describe(Exception failure);
}
