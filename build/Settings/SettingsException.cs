namespace CoralNet.Deploy.Settings;

/// <summary>The settings are incomplete or malformed: every problem is listed at once.</summary>
public sealed class SettingsException(string environment, IReadOnlyList<string> problems)
    : Exception(Format(environment, problems))
{
    public IReadOnlyList<string> Problems { get; } = problems;

    private static string Format(string environment, IReadOnlyList<string> problems) =>
        $"The settings of environment '{environment}' have {problems.Count} problem(s); nothing was changed:"
        + string.Concat(problems.Select(problem => Environment.NewLine + "  - " + problem));
}
