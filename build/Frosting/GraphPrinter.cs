// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;
using Cake.Core.Graph;

namespace Cake.Frosting;

/// <summary>Writes the task list with descriptions, and a target's dependency tree.</summary>
internal static class GraphPrinter
{
    /// <summary>Each task with its description, and under it the options it declares.</summary>
    public static void WriteDescriptions(IConsole console, IReadOnlyList<ICakeTaskInfo> tasks, IReadOnlyList<OptionDeclaration> options)
    {
        var width = tasks.Max(task => task.Name.Length) + 3;
        console.WriteLine("{0}{1}", "Task".PadRight(width), "Description");
        console.WriteLine(new string('=', width + 40));
        foreach (var task in tasks.OrderBy(task => task.Name, StringComparer.OrdinalIgnoreCase))
        {
            console.WriteLine("{0}{1}", task.Name.PadRight(width), task.Description ?? string.Empty);
            var own = options.Where(option => option.Tasks.Contains(task.Name, StringComparer.OrdinalIgnoreCase));
            foreach (var line in HelpText.Lines(own, new string(' ', width + 2)))
            {
                console.WriteLine(line);
            }
        }
    }

    public static void WriteTree(IConsole console, IReadOnlyList<ICakeTaskInfo> tasks, string target)
    {
        var graph = CakeGraphBuilder.Build(tasks);
        var canonical = graph.Nodes.First(node => node.Equals(target, StringComparison.OrdinalIgnoreCase));
        console.WriteLine(canonical);
        WriteChildren(console, graph, canonical, string.Empty);
    }

    private static void WriteChildren(IConsole console, CakeGraph graph, string node, string indent)
    {
        // An edge Start -> End means Start runs before End: the dependencies of a node are the starts of its edges.
        var dependencies = graph.Edges
            .Where(edge => edge.End.Equals(node, StringComparison.OrdinalIgnoreCase))
            .Select(edge => edge.Start)
            .ToList();
        for (var i = 0; i < dependencies.Count; i++)
        {
            var last = i == dependencies.Count - 1;
            console.WriteLine("{0}{1}{2}", indent, last ? "└── " : "├── ", dependencies[i]);
            WriteChildren(console, graph, dependencies[i], indent + (last ? "    " : "│   "));
        }
    }
}
