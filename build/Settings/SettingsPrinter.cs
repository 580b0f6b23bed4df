using System.Collections;
using System.Reflection;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Settings;

/// <summary>Lists settings as "Path = value" lines, or as JSON; a secret shows where it is kept, never its value.</summary>
public static class SettingsPrinter
{
    /// <summary>The settings as a JSON object of the same names and nesting as the settings file.</summary>
    public static JsonNode? Json(object? value) => value switch
    {
        null => null,
        int number => JsonValue.Create(number),
        bool flag => JsonValue.Create(flag),
        string or Enum or SecretReference => JsonValue.Create(value.ToString()),
        IList items => new JsonArray(items.Cast<object?>().Select(Json).ToArray()),
        _ => new JsonObject(value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(property => KeyValuePair.Create(property.Name, Json(property.GetValue(value))))),
    };

    public static IEnumerable<string> Lines(object settings, string path = "")
    {
        foreach (var property in settings.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = path.Length == 0 ? property.Name : path + "." + property.Name;
            var value = property.GetValue(settings);
            switch (value)
            {
                case string or int or bool or Enum or SecretReference:
                    yield return $"{name} = {value}";
                    break;
                case List<string> list:
                    yield return $"{name} = [{string.Join(", ", list)}]";
                    break;
                case IList items:
                    for (var i = 0; i < items.Count; i++)
                    {
                        foreach (var line in Lines(items[i]!, $"{name}[{i}]"))
                        {
                            yield return line;
                        }
                    }

                    break;
                case not null:
                    foreach (var line in Lines(value, name))
                    {
                        yield return line;
                    }

                    break;
            }
        }
    }
}
