// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
using System.Collections;
using System.Reflection;
using System.Text;

namespace Cake.Docker;

/// <summary>
/// Renders a docker command as its argument list: the command words, then one flag per set property
/// of the settings (its name in kebab case), then the operands. Pure: nothing runs here.
/// </summary>
public static class DockerArguments
{
    public static IReadOnlyList<string> Render(IEnumerable<string> command, AutoToolSettings settings, params IEnumerable<string> operands)
    {
        var arguments = command.ToList();
        foreach (var property in FlagProperties(settings.GetType()))
        {
            arguments.AddRange(Flag(Kebab(property.Name), property.GetValue(settings)));
        }

        arguments.AddRange(operands);
        return arguments;
    }

    private static IEnumerable<PropertyInfo> FlagProperties(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(property => typeof(AutoToolSettings).IsAssignableFrom(property.DeclaringType) && property.DeclaringType != typeof(AutoToolSettings))
            .OrderBy(property => property.MetadataToken);

    private static IEnumerable<string> Flag(string flag, object? value) => value switch
    {
        null => [],
        // As Cake.Docker: true is the bare flag, false writes nothing (the command's own default).
        true => [flag],
        false => [],
        string text => [flag, text],
        IEnumerable values => values.Cast<object>().SelectMany(item => Flag(flag, item)),
        _ => throw new ArgumentException($"{flag}: a value of type {value.GetType().Name} has no command-line form."),
    };

    /// <summary>NoCache is --no-cache, BuildArg --build-arg.</summary>
    private static string Kebab(string name)
    {
        var flag = new StringBuilder("--");
        for (var i = 0; i < name.Length; i++)
        {
            if (char.IsUpper(name[i]) && i > 0)
            {
                flag.Append('-');
            }

            flag.Append(char.ToLowerInvariant(name[i]));
        }

        return flag.ToString();
    }
}
