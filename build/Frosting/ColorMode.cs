// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>When output is coloured: auto (only on a terminal, never with NO_COLOR), always or never.</summary>
public enum ColorMode
{
    Auto,
    Always,
    Never,
}
