using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Settings;

/// <summary>
/// Fills typed settings from a settings file's JSON, letting an override source replace any single
/// value by its key (the path joined with '_', e.g. Site_Domain). Every value that cannot be read is
/// recorded as a problem, so that all of them are reported together.
/// </summary>
public static class SettingsBinder
{
    public static T Bind<T>(JsonObject? file, Func<string, string?> overrides, List<string> problems)
        where T : new() =>
        (T)BindObject(typeof(T), file, "", overrides, problems);

    /// <summary>The override keys of every single-valued setting, e.g. Site_Domain.</summary>
    public static IEnumerable<string> Keys(Type type, string prefix = "")
    {
        foreach (var property in SettableProperties(type))
        {
            var key = prefix + property.Name;
            if (IsValue(property.PropertyType))
            {
                yield return key;
            }
            else if (!IsList(property.PropertyType))
            {
                foreach (var inner in Keys(property.PropertyType, key + "_"))
                {
                    yield return inner;
                }
            }
        }
    }

    private static object BindObject(Type type, JsonObject? node, string path, Func<string, string?> overrides, List<string> problems)
    {
        var instance = Activator.CreateInstance(type)!;
        var properties = SettableProperties(type).ToList();
        foreach (var (name, _) in node ?? [])
        {
            if (!properties.Any(p => p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) && !name.StartsWith('$'))
            {
                problems.Add($"{Join(path, name)}: unknown setting; the known ones here are {string.Join(", ", properties.Select(p => p.Name))}.");
            }
        }

        foreach (var property in properties)
        {
            var propertyPath = Join(path, property.Name);
            var child = node?.FirstOrDefault(pair => pair.Key.Equals(property.Name, StringComparison.OrdinalIgnoreCase)).Value;
            var overridden = IsValue(property.PropertyType) ? overrides(propertyPath.Replace('.', '_')) : null;
            object? value;
            if (overridden is not null)
            {
                value = FromText(property.PropertyType, overridden, propertyPath, problems);
            }
            else if (child is null && !IsValue(property.PropertyType) && !IsList(property.PropertyType))
            {
                // A section the file leaves out still takes overrides of its values (Timeouts_HealthCheckSeconds).
                value = BindObject(property.PropertyType, null, propertyPath, overrides, problems);
            }
            else if (child is null)
            {
                continue;
            }
            else
            {
                value = FromNode(property.PropertyType, child, propertyPath, overrides, problems);
            }

            if (value is not null)
            {
                property.SetValue(instance, value);
            }
        }

        return instance;
    }

    private static object? FromNode(Type type, JsonNode node, string path, Func<string, string?> overrides, List<string> problems)
    {
        if (IsList(type))
        {
            var itemType = type.GetGenericArguments()[0];
            if (node is JsonValue && itemType == typeof(string))
            {
                return FromText(type, node.ToString(), path, problems);
            }

            if (node is not JsonArray array)
            {
                problems.Add($"{path}: expected a list [ ... ].");
                return null;
            }

            var list = (IList)Activator.CreateInstance(type)!;
            for (var i = 0; i < array.Count; i++)
            {
                var item = array[i] is { } element ? FromNode(itemType, element, $"{path}[{i}]", _ => null, problems) : null;
                if (item is not null)
                {
                    list.Add(item);
                }
            }

            return list;
        }

        if (!IsValue(type))
        {
            if (node is JsonObject section)
            {
                return BindObject(type, section, path, overrides, problems);
            }

            problems.Add($"{path}: expected a section {{ ... }}.");
            return null;
        }

        if (node is not JsonValue scalar || scalar.GetValueKind() is JsonValueKind.Object or JsonValueKind.Array)
        {
            problems.Add($"{path}: expected a single value.");
            return null;
        }

        return FromText(type, scalar.GetValueKind() == JsonValueKind.String ? scalar.GetValue<string>() : scalar.ToJsonString(), path, problems);
    }

    private static object? FromText(Type type, string text, string path, List<string> problems)
    {
        if (text.Length > 1 && text.StartsWith('<') && text.EndsWith('>'))
        {
            problems.Add($"{path}: still the placeholder {text}; fill it in.");
            return null;
        }

        if (type == typeof(string))
        {
            return text;
        }

        if (type == typeof(int))
        {
            if (int.TryParse(text, out var number))
            {
                return number;
            }

            problems.Add($"{path}: '{text}' is not a whole number.");
            return null;
        }

        if (type == typeof(bool))
        {
            if (bool.TryParse(text, out var flag))
            {
                return flag;
            }

            problems.Add($"{path}: '{text}' is neither true nor false.");
            return null;
        }

        if (type.IsEnum)
        {
            if (Enum.TryParse(type, text, ignoreCase: true, out var member) && Enum.IsDefined(type, member!))
            {
                return member;
            }

            problems.Add($"{path}: '{text}' is not one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}.");
            return null;
        }

        if (type == typeof(SecretReference))
        {
            if (SecretReference.TryParse(text, out var reference, out var error))
            {
                return reference;
            }

            // The text may be the secret itself: it is not repeated in the message.
            problems.Add($"{path}: {error}.");
            return null;
        }

        if (type == typeof(List<string>))
        {
            var items = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
            foreach (var item in items.Where(item => item.StartsWith('<') && item.EndsWith('>')))
            {
                problems.Add($"{path}: still the placeholder {item}; fill it in.");
            }

            return items;
        }

        throw new InvalidOperationException($"Settings of type {type.Name} cannot be read from text.");
    }

    private static IEnumerable<PropertyInfo> SettableProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite && p.GetCustomAttribute<NotASettingAttribute>() is null);

    private static bool IsValue(Type type) =>
        type == typeof(string) || type == typeof(int) || type == typeof(bool) || type.IsEnum
        || type == typeof(SecretReference) || type == typeof(List<string>);

    private static bool IsList(Type type) => type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>);

    private static string Join(string path, string name) => path.Length == 0 ? name : path + "." + name;
}
