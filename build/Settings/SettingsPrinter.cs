using System.Collections;
using System.Reflection;

namespace CoralNet.Deploy.Settings;

/// <summary>Lists settings as "Path = value" lines; a secret shows where it is kept, never its value.</summary>
public static class SettingsPrinter
{
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
