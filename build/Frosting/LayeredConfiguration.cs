// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.IO;

namespace Cake.Frosting;

/// <summary>
/// Configuration from cake.config (read by Cake.Core's own provider), then CAKE_* environment
/// variables, then command-line arguments; the later source wins. Keys are Section_Key
/// (file: [Section] Key=..., environment: CAKE_SECTION_KEY, argument: --section_key=...).
/// </summary>
public sealed class LayeredConfiguration : ICakeConfiguration
{
    private readonly ICakeConfiguration _file;
    private readonly ICakeEnvironment _environment;
    private readonly ICakeArguments _arguments;

    public LayeredConfiguration(IFileSystem fileSystem, ICakeEnvironment environment, ICakeArguments arguments)
    {
        _environment = environment;
        _arguments = arguments;
        // Only the file: the environment and argument layers are applied here, in our order.
        _file = new CakeConfigurationProvider(fileSystem, environment).CreateConfiguration(
            environment.WorkingDirectory, [], new Dictionary<string, string>());
    }

    public string? GetValue(string key)
    {
        var normalized = key.Replace('.', '_');
        var fromArgument = _arguments.GetArguments(normalized);
        if (fromArgument.Count > 0)
        {
            return fromArgument.Last();
        }

        return _environment.GetEnvironmentVariable("CAKE_" + normalized.ToUpperInvariant())
            ?? _file.GetValue(normalized);
    }
}
