// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
using Cake.Core.Tooling;

namespace Cake.Docker;

/// <summary>Base of the settings classes: each public property a class declares becomes a flag of its command.</summary>
public abstract class AutoToolSettings : ToolSettings
{
}
