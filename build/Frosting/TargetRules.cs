// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;
using Cake.Core.Graph;

namespace Cake.Frosting;

/// <summary>
/// What is checked once the target is known, before anything runs: each task option given belongs to a
/// task the target runs, and under --check every task it runs has a way not to change anything.
/// </summary>
internal static class TargetRules
{
    public static IEnumerable<string> Problems(HostOptions options, IReadOnlyList<ICakeTaskInfo> tasks, IReadOnlyDictionary<string, Type> taskTypes)
    {
        var graph = CakeGraphBuilder.Build(tasks);
        var target = tasks.First(task => task.Name.Equals(options.Target, StringComparison.OrdinalIgnoreCase)).Name;
        var runs = Runs(graph, target, options.Exclusive);
        foreach (var option in options.Given.Where(option => !option.IsGlobal))
        {
            if (!option.Tasks.Any(task => runs.Contains(task, StringComparer.OrdinalIgnoreCase)))
            {
                yield return $"--{option.Name} applies to {string.Join(", ", option.Tasks)} and the targets that run {(option.Tasks.Count == 1 ? "it" : "them")}, not to {target}.";
            }
        }

        if (!options.Check)
        {
            yield break;
        }

        var cannot = runs.Where(task => TaskRegistrar.CheckBehaviourOf(taskTypes[task]) is null).ToList();
        if (cannot.Count > 0)
        {
            var able = tasks.Select(task => task.Name)
                .Where(name => Runs(graph, name, exclusive: false).All(task => TaskRegistrar.CheckBehaviourOf(taskTypes[task]) is not null))
                .Order(StringComparer.OrdinalIgnoreCase);
            yield return $"--check: {target} cannot run without changing anything: {string.Join(", ", cannot)} {(cannot.Count == 1 ? "changes things and has" : "change things and have")} no check mode. "
                + $"Run it without --check, or check one of: {string.Join(", ", able)}.";
        }
    }

    private static List<string> Runs(CakeGraph graph, string target, bool exclusive) =>
        exclusive ? [target] : graph.Traverse(target).ToList();
}
