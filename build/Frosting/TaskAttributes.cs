// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
namespace Cake.Frosting;

/// <summary>Names a task; without it the task is named after its class.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TaskNameAttribute(string name) : Attribute
{
    public string Name { get; } = name;
}

/// <summary>Describes a task for <c>--description</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class TaskDescriptionAttribute(string description) : Attribute
{
    public string Description { get; } = description;
}

/// <summary>The task runs after the given task.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependentOnAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}

/// <summary>The given task runs after this one (the reverse of <see cref="IsDependentOnAttribute"/>).</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true)]
public sealed class IsDependeeOfAttribute(Type task) : Attribute
{
    public Type Task { get; } = task;
}
