// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
// Not in Cake.Frosting: what a strict command line needs to know about each task, declared on the task.
namespace Cake.Frosting;

/// <summary>
/// Declares an option of this task (and of every target that runs it): <c>[TaskArgument("release", typeof(string), "...")]</c>.
/// The type is bool (a switch), string, int or an enum; the task reads the value typed from <see cref="HostOptions"/>.
/// Another task that reads the same option names it with <see cref="UsesTaskArgumentAttribute"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class TaskArgumentAttribute(string name, Type type, string help) : Attribute
{
    public string Name { get; } = name;
    public Type Type { get; } = type;
    public string Help { get; } = help;
    public string? Placeholder { get; init; }
    public string? Default { get; init; }
}

/// <summary>This task also reads an option another task declares.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class UsesTaskArgumentAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>What a task does under --check, the run that must change nothing.</summary>
public enum CheckBehaviour
{
    /// <summary>It never changes anything: it runs as usual.</summary>
    ChangesNothing,

    /// <summary>It reads <see cref="HostOptions.Check"/> and reports what it would change, changing nothing.</summary>
    Reports,

    /// <summary>It does not run: the host says what it would do (its description).</summary>
    SaysWhatItWouldDo,
}

/// <summary>
/// How the task keeps --check from changing anything. A target whose graph holds a task without it
/// is refused under --check before anything runs.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class CheckModeAttribute(CheckBehaviour behaviour) : Attribute
{
    public CheckBehaviour Behaviour { get; } = behaviour;
}

/// <summary>Why the task's ShouldRun may say no, said when it does ("Plan needs an environment whose Provider is aws").</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class SkipReasonAttribute(string reason) : Attribute
{
    public string Reason { get; } = reason;
}
