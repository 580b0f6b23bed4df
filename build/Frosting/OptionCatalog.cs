// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using System.Reflection;

namespace Cake.Frosting;

/// <summary>Every option of a run in one list: the global ones, then each task's from its [TaskArgument] attributes.</summary>
internal static class OptionCatalog
{
    public static IReadOnlyList<OptionDeclaration> Build(IEnumerable<OptionDeclaration> globals, IReadOnlyList<Type> taskTypes)
    {
        var declared = new Dictionary<string, OptionDeclaration>(StringComparer.OrdinalIgnoreCase);
        var ordered = new List<string>();
        void Add(OptionDeclaration declaration)
        {
            foreach (var name in declaration.Names)
            {
                if (!declared.TryAdd(name, declaration))
                {
                    throw new FrostingException($"The option --{name} is declared twice; a task that reads another task's option names it with [UsesTaskArgument(\"{name}\")].");
                }
            }

            ordered.Add(declaration.Name);
        }

        foreach (var global in globals)
        {
            Add(global);
        }

        foreach (var taskType in taskTypes)
        {
            // IsDefined first: it reads the metadata without making the attributes of every task.
            if (!taskType.IsDefined(typeof(TaskArgumentAttribute), inherit: true))
            {
                continue;
            }

            foreach (var argument in taskType.GetCustomAttributes<TaskArgumentAttribute>())
            {
                Add(new OptionDeclaration(argument.Name, argument.Type, argument.Help)
                {
                    Placeholder = argument.Placeholder,
                    Default = argument.Default,
                    Tasks = [TaskRegistrar.NameOf(taskType)],
                });
            }
        }

        foreach (var taskType in taskTypes)
        {
            if (!taskType.IsDefined(typeof(UsesTaskArgumentAttribute), inherit: true))
            {
                continue;
            }

            foreach (var used in taskType.GetCustomAttributes<UsesTaskArgumentAttribute>())
            {
                if (!declared.TryGetValue(used.Name, out var declaration) || declaration.IsGlobal)
                {
                    throw new FrostingException($"Task {taskType.Name} uses the option --{used.Name}, which no task declares with [TaskArgument].");
                }

                declared[used.Name] = declaration with { Tasks = [.. declaration.Tasks, TaskRegistrar.NameOf(taskType)] };
            }
        }

        return ordered.Select(name => declared[name]).ToList();
    }
}
