// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>
/// The command line, parsed once against the declared options (the host's own, the application's
/// global ones, each task's). What names no option must name a configuration key (--section_key=value);
/// anything else is refused with the closest known name. Tasks read their values typed from here.
/// </summary>
public sealed class HostOptions
{
    /// <summary>The options of every target that the host itself reads.</summary>
    public static IReadOnlyList<OptionDeclaration> HostDeclarations { get; } =
    [
        new("target", typeof(string), "the task to run, with its dependencies") { Aliases = ["t"], Placeholder = "NAME", Default = "Default" },
        new("dryrun", typeof(bool), "print the tasks that would run, in order, and run none (aliases --noop, --whatif)") { Aliases = ["noop", "whatif"] },
        new("check", typeof(bool), "change nothing: each task reports what it would change, or says what it would do; a target with a task that can do neither is refused"),
        new("tree", typeof(bool), "print the target's dependency tree") { Aliases = ["showtree"] },
        new("description", typeof(bool), "list every task with its description and its own options") { Aliases = ["descriptions", "showdescription"] },
        new("exclusive", typeof(bool), "run only the target, not its dependencies") { Aliases = ["e"] },
        new("verbosity", typeof(Verbosity), "how much is logged") { Aliases = ["v"], Default = "normal" },
        new("color", typeof(ColorMode), "colour: auto (on a terminal only, never with NO_COLOR), always or never") { Default = "auto" },
        new("format", typeof(OutputFormat), "text for people, or json: a target's result as one JSON document on stdout") { Default = "text" },
        new("working", typeof(string), "the working directory (the repository root)") { Aliases = ["w"], Placeholder = "DIR" },
        new("help", typeof(bool), "this text") { Aliases = ["h", "?"] },
        new("version", typeof(bool), "the suite's version") { Aliases = ["ver"] },
    ];

    private readonly Dictionary<string, OptionDeclaration> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, object?> _given = new(StringComparer.OrdinalIgnoreCase);

    private HostOptions(IReadOnlyList<OptionDeclaration> declarations)
    {
        Declarations = declarations;
        foreach (var declaration in declarations)
        {
            foreach (var name in declaration.Names)
            {
                _byName[name] = declaration;
            }
        }
    }

    public IReadOnlyList<OptionDeclaration> Declarations { get; }

    public string Target => Get<string>("target");
    public bool DryRun => Get<bool>("dryrun");
    public bool Check => Get<bool>("check");
    public bool Tree => Get<bool>("tree");
    public bool Descriptions => Get<bool>("description");
    public bool Exclusive => Get<bool>("exclusive");
    public Verbosity Verbosity => Get<Verbosity>("verbosity");
    public ColorMode Color => Get<ColorMode>("color");
    public OutputFormat Format => Get<OutputFormat>("format");
    public string? WorkingDirectory => Get<string?>("working");
    public bool Help => Get<bool>("help");
    public bool Version => Get<bool>("version");

    /// <summary>What the run hands to Cake as its arguments: every option given, and the configuration overrides (--section_key=value).</summary>
    public List<KeyValuePair<string, string>> Arguments { get; } = [];

    /// <summary>Usage errors: each says what is wrong and what to write instead.</summary>
    public List<string> Errors { get; } = [];

    /// <summary>The declared options given on this command line.</summary>
    public IEnumerable<OptionDeclaration> Given => _given.Keys.Select(name => _byName[name]);

    public bool IsGiven(string name) => _given.ContainsKey(Declaration(name).Name);

    /// <summary>The option's value, typed as declared; its default when not given.</summary>
    public T Get<T>(string name)
    {
        var declaration = Declaration(name);
        var type = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        if (type != declaration.Type)
        {
            throw new FrostingException($"Option --{declaration.Name} is declared as {declaration.Type.Name}, not read as {type.Name}.");
        }

        if (_given.TryGetValue(declaration.Name, out var value))
        {
            return (T)value!;
        }

        if (declaration.Default is not null && declaration.TryConvert(declaration.Default, out var fallback, out _))
        {
            return (T)fallback!;
        }

        return default!;
    }

    private OptionDeclaration Declaration(string name) =>
        _byName.TryGetValue(name, out var declaration) ? declaration : throw new FrostingException($"No option --{name} is declared.");

    /// <param name="isConfigurationKey">Whether a name that is no option is a configuration key (Section_Key, any case).</param>
    /// <param name="configurationKeys">The configuration keys, to suggest the closest to a misspelled name.</param>
    public static HostOptions Parse(IReadOnlyList<string> args, IReadOnlyList<OptionDeclaration> declarations, Func<string, bool> isConfigurationKey, IEnumerable<string> configurationKeys)
    {
        var options = new HostOptions(declarations);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith('-') || arg == "-" || arg == "--")
            {
                options.Errors.Add($"Unexpected argument '{arg}': options are written --name=value.");
                continue;
            }

            var body = arg.TrimStart('-');
            var equals = body.IndexOf('=');
            var name = equals >= 0 ? body[..equals] : body;
            var value = equals >= 0 ? body[(equals + 1)..] : null;
            var declaration = options._byName.GetValueOrDefault(name);
            if (value is null && declaration is not { IsSwitch: true } && i + 1 < args.Count && !args[i + 1].StartsWith('-'))
            {
                value = args[++i];
            }

            if (declaration is not null)
            {
                options.Apply(declaration, value);
            }
            else if (isConfigurationKey(name))
            {
                options.Arguments.Add(new(name, value ?? "true"));
            }
            else
            {
                var suggestion = NameSuggestion.Closest(name, declarations.Select(d => d.Name).Concat(configurationKeys.Select(key => key.ToLowerInvariant())));
                options.Errors.Add($"Unknown option --{name}{(suggestion is null ? "" : $": did you mean --{suggestion}?")} (--help lists the options; a setting is overridden by its key, --section_key=value).");
            }
        }

        return options;
    }

    private void Apply(OptionDeclaration declaration, string? text)
    {
        if (!declaration.TryConvert(text, out var value, out var error))
        {
            Errors.Add(error);
            return;
        }

        _given[declaration.Name] = value;
        var written = text ?? "true";
        Arguments.Add(new(declaration.Name, written));
        if (declaration.ConfigurationKey is not null)
        {
            Arguments.Add(new(declaration.ConfigurationKey, written));
        }
    }
}
