// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>A mistake in how the host or its tasks are put together.</summary>
public sealed class FrostingException(string message) : Exception(message);
