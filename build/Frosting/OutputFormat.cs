// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>How a target prints its result: for people (text) or as one JSON document on stdout (json).</summary>
public enum OutputFormat
{
    Text,
    Json,
}
