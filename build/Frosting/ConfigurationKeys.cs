// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>
/// The configuration keys a run knows (Section_Key, any case): the application's and Cake's own. Every
/// override must name one, whichever way it comes: --section_key=value, CAKE_SECTION_KEY, or
/// cake.config's [Section] Key=value; the others are refused before anything runs.
/// </summary>
public sealed class ConfigurationKeys
{
    /// <summary>Cake's documented configuration keys, and those Cake.Core 7 reads: always allowed.</summary>
    public static IReadOnlyList<string> CakeKeys { get; } =
    [
        "Paths_Tools", "Paths_Addins", "Paths_Modules", "Paths_Cache",
        "NuGet_Source", "NuGet_ConfigFile", "NuGet_LoadDependencies", "NuGet_UseInProcessClient", "NuGet_NonInteractive", "NuGet_UseLegacyRidGraph",
        "Settings_SkipVerification", "Settings_ShowProcessCommandLine", "Settings_NoMonoCoersion", "Settings_SkipPackageVersionCheck",
        "Settings_UnifiedDependencyGraphForMultipleTargets", "Settings_Verbosity", "Settings_EnableScriptCache", "Settings_NoReport",
        "Settings_UseSpectreConsoleForConsoleOutput",
    ];

    /// <summary>CAKE_ environment variables Cake itself sets or reads that are no configuration key.</summary>
    public static IReadOnlyList<string> CakeVariables { get; } = ["CAKE_VERSION"];

    private const string Prefix = "CAKE_";
    private readonly HashSet<string> _keys;

    public ConfigurationKeys(IEnumerable<string> applicationKeys)
    {
        All = applicationKeys.Concat(CakeKeys).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        _keys = All.Select(Normalize).ToHashSet(StringComparer.OrdinalIgnoreCase);
    }

    public IReadOnlyList<string> All { get; }

    public bool Contains(string key) => _keys.Contains(Normalize(key));

    /// <summary>Every CAKE_* variable that names no key, and every key of the configuration file that names none, each with the closest known name.</summary>
    public IEnumerable<string> Problems(IDictionary<string, string> environmentVariables, string configurationFile)
    {
        foreach (var variable in environmentVariables.Keys.Where(v => v.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal))
        {
            if (!Contains(variable[Prefix.Length..]) && !CakeVariables.Contains(variable, StringComparer.OrdinalIgnoreCase))
            {
                var closest = NameSuggestion.Closest(variable[Prefix.Length..], All);
                yield return $"The environment variable {variable} names no setting{(closest is null ? "" : $": did you mean {Prefix}{closest.ToUpperInvariant()}?")} (unset it, or name a key that ShowSettings lists).";
            }
        }

        if (!File.Exists(configurationFile))
        {
            yield break;
        }

        foreach (var (section, key) in FileKeys(configurationFile))
        {
            var joined = section.Length == 0 ? key : section + "_" + key;
            if (!Contains(joined))
            {
                var closest = NameSuggestion.Closest(joined, All);
                yield return $"{Path.GetFileName(configurationFile)}: {Written(section, key)} names no setting{(closest is null ? "" : $": did you mean {Written(closest)}?")} (correct or remove it).";
            }
        }
    }

    private static string Normalize(string key) => key.Replace('.', '_');

    private static string Written(string key) =>
        key.IndexOf('_') is var split and > 0 ? Written(key[..split], key[(split + 1)..]) : key;

    private static string Written(string section, string key) => section.Length == 0 ? key : $"[{section}] {key}";

    /// <summary>The keys of an INI file as Cake reads it: [Section] lines, then Key=Value lines; ';' starts a comment.</summary>
    private static IEnumerable<(string Section, string Key)> FileKeys(string file)
    {
        var section = "";
        foreach (var raw in File.ReadLines(file))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith(';') || line.StartsWith('#'))
            {
                continue;
            }

            if (line.StartsWith('[') && line.EndsWith(']'))
            {
                section = line[1..^1].Trim();
            }
            else if (line.IndexOf('=') is var equals and > 0)
            {
                yield return (section, line[..equals].Trim());
            }
        }
    }
}
