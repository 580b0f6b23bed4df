using System.Reflection;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Templates;

/// <summary>
/// Renders the template files of this folder (embedded in the suite) by replacing each
/// <c>{{ Name }}</c> with a value. A placeholder without a value, or a value without a
/// placeholder, is an error: a template and its settings never drift apart silently.
/// </summary>
public static partial class TemplateRenderer
{
    public static string Render(string templateName, IReadOnlyDictionary<string, string> values) =>
        RenderText(templateName, Load(templateName), values);

    public static string RenderText(string templateName, string template, IReadOnlyDictionary<string, string> values)
    {
        var missing = new SortedSet<string>(StringComparer.Ordinal);
        var used = new HashSet<string>(StringComparer.Ordinal);
        var rendered = Placeholder().Replace(template, match =>
        {
            var name = match.Groups[1].Value;
            if (!values.TryGetValue(name, out var value))
            {
                missing.Add(name);
                return match.Value;
            }

            used.Add(name);
            return value;
        });

        var unused = values.Keys.Where(key => !used.Contains(key)).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || unused.Count > 0)
        {
            throw new InvalidOperationException(
                $"Template {templateName}: " + string.Join("; ", new[]
                {
                    missing.Count > 0 ? "no value for " + string.Join(", ", missing) : null,
                    unused.Count > 0 ? "no placeholder for " + string.Join(", ", unused) : null,
                }.OfType<string>()));
        }

        return rendered;
    }

    public static string Load(string templateName)
    {
        using var stream = typeof(TemplateRenderer).Assembly.GetManifestResourceStream("Templates/" + templateName)
            ?? throw new FileNotFoundException($"No template named {templateName} in build/Templates.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    [GeneratedRegex(@"\{\{\s*([A-Za-z][A-Za-z0-9_]*)\s*\}\}")]
    private static partial Regex Placeholder();
}
