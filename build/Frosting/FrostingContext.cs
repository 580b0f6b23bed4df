// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;

namespace Cake.Frosting;

/// <summary>Base class for a custom build context: everything of <see cref="ICakeContext"/>, plus your own state.</summary>
public abstract class FrostingContext(ICakeContext context) : CakeContextAdapter(context)
{
}
