namespace CoralNet.Deploy.Context;

/// <summary>The tasks this run executes, known once the engine has ordered them (at setup): a task can tell what the run does after it.</summary>
public sealed class RunTasks
{
    private HashSet<string> _names = new(StringComparer.OrdinalIgnoreCase);

    public void Plan(IEnumerable<string> names) => _names = new HashSet<string>(names, StringComparer.OrdinalIgnoreCase);

    public bool Includes(string task) => _names.Contains(task);
}
