// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using System.Globalization;

namespace Cake.Frosting;

/// <summary>
/// One command-line option: its name, its type (bool for a switch, string, int, or an enum whose
/// names are the allowed values), its help, and the tasks it belongs to (none: every target).
/// </summary>
public sealed record OptionDeclaration(string Name, Type Type, string Help)
{
    public IReadOnlyList<string> Aliases { get; init; } = [];

    /// <summary>What the value stands for in the help, as in --lock-wait=SECONDS.</summary>
    public string? Placeholder { get; init; }

    /// <summary>The value when the option is not given, as it would be written (null: none).</summary>
    public string? Default { get; init; }

    /// <summary>The configuration key the option is another spelling of (--aws-endpoint for Aws_Endpoint).</summary>
    public string? ConfigurationKey { get; init; }

    /// <summary>The tasks whose option this is; empty for an option of every target.</summary>
    public IReadOnlyList<string> Tasks { get; init; } = [];

    public bool IsSwitch => Type == typeof(bool);

    public bool IsGlobal => Tasks.Count == 0;

    public IEnumerable<string> Names => Aliases.Prepend(Name);

    /// <summary>How the option is written in the help: --tree, --target=NAME, --color=auto|always|never.</summary>
    public string Usage => IsSwitch ? "--" + Name : $"--{Name}={ValueHint}";

    public string ValueHint => Type.IsEnum
        ? string.Join("|", Enum.GetNames(Type).Select(name => name.ToLowerInvariant()))
        : Placeholder ?? (Type == typeof(int) ? "NUMBER" : "VALUE");

    /// <summary>An enum option's values as a sentence: "auto, always or never".</summary>
    private string AllowedValues
    {
        get
        {
            var values = ValueHint.Split('|');
            return values.Length == 1 ? values[0] : string.Join(", ", values[..^1]) + " or " + values[^1];
        }
    }

    /// <summary>Reads the option's text (null when written without =value) into its type, or says what is wrong.</summary>
    public bool TryConvert(string? text, out object? value, out string error)
    {
        value = null;
        error = "";
        if (IsSwitch)
        {
            if (text is null || bool.TryParse(text, out var flag) && flag)
            {
                value = true;
                return true;
            }

            if (bool.TryParse(text, out _))
            {
                value = false;
                return true;
            }

            error = $"--{Name} is a switch: write --{Name} or --{Name}=false, not --{Name}={text}.";
            return false;
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            error = $"--{Name} needs a value: {Usage}.";
            return false;
        }

        if (Type == typeof(string))
        {
            value = text;
            return true;
        }

        if (Type == typeof(int))
        {
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                value = number;
                return true;
            }

            error = $"--{Name} takes a whole number (0 or more), not '{text}'.";
            return false;
        }

        if (Type.IsEnum)
        {
            var names = Enum.GetNames(Type);
            // The full name, or its first letter when no other name starts with it (--verbosity=d).
            var match = names.FirstOrDefault(name => name.Equals(text, StringComparison.OrdinalIgnoreCase))
                ?? (text.Length == 1 && names.Count(name => name.StartsWith(text, StringComparison.OrdinalIgnoreCase)) == 1
                    ? names.First(name => name.StartsWith(text, StringComparison.OrdinalIgnoreCase))
                    : null);
            if (match is not null)
            {
                value = Enum.Parse(Type, match);
                return true;
            }

            error = $"--{Name} takes {AllowedValues}, not '{text}'.";
            return false;
        }

        throw new FrostingException($"Option --{Name} is declared with type {Type.Name}; options are bool, string, int or an enum.");
    }
}
