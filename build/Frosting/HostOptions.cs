// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>The command line Frosting users know, parsed; every other <c>--name=value</c> is a Cake argument.</summary>
public sealed class HostOptions
{
    public string Target { get; private set; } = "Default";
    public bool DryRun { get; private set; }
    public bool Tree { get; private set; }
    public bool Descriptions { get; private set; }
    public bool Exclusive { get; private set; }
    public bool Help { get; private set; }
    public bool Version { get; private set; }
    public Verbosity Verbosity { get; private set; } = Verbosity.Normal;
    public string? WorkingDirectory { get; private set; }
    public ColorMode Color { get; private set; }
    public OutputFormat Format { get; private set; }
    public List<KeyValuePair<string, string>> Arguments { get; } = [];
    public List<string> Errors { get; } = [];

    private static readonly Dictionary<string, Verbosity> VerbosityNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["quiet"] = Verbosity.Quiet, ["q"] = Verbosity.Quiet,
        ["minimal"] = Verbosity.Minimal, ["m"] = Verbosity.Minimal,
        ["normal"] = Verbosity.Normal, ["n"] = Verbosity.Normal,
        ["verbose"] = Verbosity.Verbose, ["v"] = Verbosity.Verbose,
        ["diagnostic"] = Verbosity.Diagnostic, ["d"] = Verbosity.Diagnostic,
    };

    public static HostOptions Parse(IReadOnlyList<string> args)
    {
        var options = new HostOptions();
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                options.Errors.Add($"Unexpected argument '{arg}': options are written --name=value.");
                continue;
            }

            var body = arg.TrimStart('-');
            string name;
            string? value = null;
            var equals = body.IndexOf('=');
            if (equals >= 0)
            {
                name = body[..equals];
                value = body[(equals + 1)..];
            }
            else
            {
                name = body;
                if (i + 1 < args.Count && !args[i + 1].StartsWith('-') && TakesValue(name))
                {
                    value = args[++i];
                }
            }

            options.Apply(name, value);
        }

        return options;
    }

    private static bool TakesValue(string name) => name.ToLowerInvariant() switch
    {
        "dryrun" or "noop" or "whatif" or "tree" or "showtree" or "description" or "descriptions"
            or "showdescription" or "exclusive" or "e" or "help" or "h" or "version" or "ver" => false,
        _ => true,
    };

    private void Apply(string name, string? value)
    {
        switch (name.ToLowerInvariant())
        {
            case "target" or "t":
                Target = Required(name, value, "a task name, for example --target=Deploy") ?? Target;
                break;
            case "dryrun" or "noop" or "whatif":
                DryRun = Flag(name, value);
                break;
            case "tree" or "showtree":
                Tree = Flag(name, value);
                break;
            case "description" or "descriptions" or "showdescription":
                Descriptions = Flag(name, value);
                break;
            case "exclusive" or "e":
                Exclusive = Flag(name, value);
                break;
            case "help" or "h" or "?":
                Help = true;
                break;
            case "version" or "ver":
                Version = true;
                break;
            case "verbosity" or "v":
                if (value is not null && VerbosityNames.TryGetValue(value, out var verbosity))
                {
                    Verbosity = verbosity;
                }
                else
                {
                    Errors.Add($"--verbosity takes quiet, minimal, normal, verbose or diagnostic, not '{value}'.");
                }

                break;
            case "color":
                if (Enum.TryParse<ColorMode>(value, ignoreCase: true, out var color) && !int.TryParse(value, out _))
                {
                    Color = color;
                }
                else
                {
                    Errors.Add($"--color takes auto, always or never, not '{value}'.");
                }

                break;
            case "format":
                if (Enum.TryParse<OutputFormat>(value, ignoreCase: true, out var format) && !int.TryParse(value, out _))
                {
                    Format = format;
                }
                else
                {
                    Errors.Add($"--format takes text or json, not '{value}'.");
                }

                break;
            case "working" or "w":
                WorkingDirectory = Required(name, value, "a directory, for example --working=/path/to/repo") ?? WorkingDirectory;
                break;
            default:
                Arguments.Add(new(name, value ?? "true"));
                break;
        }
    }

    private string? Required(string name, string? value, string what)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Errors.Add($"--{name} needs {what}.");
            return null;
        }

        return value;
    }

    private bool Flag(string name, string? value)
    {
        if (value is null || bool.TryParse(value, out var parsed) && parsed)
        {
            return true;
        }

        if (bool.TryParse(value, out _))
        {
            return false;
        }

        Errors.Add($"--{name} is a switch: write --{name} or --{name}=false, not --{name}={value}.");
        return false;
    }

    public const string Usage = """
        Usage: ./build.sh [options]

          --target=NAME         the task to run, with its dependencies (default: Default)
          --dryrun              print the tasks that would run, in order, and run none (aliases --noop, --whatif)
          --tree                print the target's dependency tree
          --description         list every task with its description
          --exclusive           run only the target, not its dependencies
          --verbosity=LEVEL     quiet, minimal, normal, verbose or diagnostic (default: normal)
          --working=DIR         the working directory
          --color=WHEN          auto (on a terminal, unless NO_COLOR is set), always or never (default: auto)
          --format=FORMAT       text, or json: the target's result as one JSON document on stdout, logs on stderr
          --help                this text
          --version             the suite's version

        Any other --name=value reaches the build as an argument.
        """;
}
