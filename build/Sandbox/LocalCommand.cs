using CoralNet.Deploy.Remote;
namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// A command for this machine, as plain data: what would run can be shown, compared in tests and
/// handed to the one <see cref="LocalRunner"/>. <see cref="Input"/> goes to standard input and is
/// never shown: it is where a secret travels, so that no process list or log sees it.
/// </summary>
public sealed record LocalCommand(string Program, IReadOnlyList<string> Arguments)
{
    public string? Input { get; init; }

    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Where it runs; the suite's own working directory when null.</summary>
    public string? WorkingDirectory { get; init; }

    public LocalCommand(string program, params string[] arguments)
        : this(program, (IReadOnlyList<string>)arguments)
    {
    }

    /// <summary>The command as a shell would show it; standard input is left out.</summary>
    public override string ToString() =>
        string.Join(' ', Environment.Select(pair => $"{pair.Key}={Quote(pair.Value)}")
            .Append(Quote(Program))
            .Concat(Arguments.Select(Quote)));

    private static string Quote(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./:=,@+%".Contains(c))
            ? word
            : Shell.Quote(word);
}
