// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>Finds task classes by reflection and registers them into Cake's engine, which orders and runs them.</summary>
internal static class TaskRegistrar
{
    public static IEnumerable<Type> FindTaskTypes(IEnumerable<Assembly> assemblies) =>
        assemblies.Distinct()
            .SelectMany(assembly => assembly.GetTypes())
            .Where(type => typeof(IFrostingTask).IsAssignableFrom(type) && type is { IsAbstract: false, IsClass: true })
            .OrderBy(type => type.FullName, StringComparer.Ordinal);

    public static string NameOf(Type taskType) =>
        taskType.GetCustomAttribute<TaskNameAttribute>()?.Name ?? taskType.Name;

    /// <summary>How the task keeps --check from changing anything; null when it cannot.</summary>
    public static CheckBehaviour? CheckBehaviourOf(Type taskType) =>
        taskType.GetCustomAttribute<CheckModeAttribute>()?.Behaviour;

    /// <param name="run">How this run goes: under --check, a task that says what it would do does not run.</param>
    /// <param name="skipped">Called with the task's name and why, when its ShouldRun says no.</param>
    /// <param name="stopping">Cancelled by a signal: the task, when it has not started yet, fails without running.</param>
    public static void Register(ICakeEngine engine, Type taskType, Func<IFrostingTask> resolveTask, Func<ICakeContext> resolveContext, HostOptions run, Action<string, string> skipped, CancellationToken stopping)
    {
        var name = NameOf(taskType);
        var builder = engine.RegisterTask(name);

        var description = taskType.GetCustomAttribute<TaskDescriptionAttribute>()?.Description;
        if (description is not null)
        {
            builder.Description(description);
        }

        foreach (var dependency in taskType.GetCustomAttributes<IsDependentOnAttribute>())
        {
            builder.IsDependentOn(NameOf(CheckIsTask(taskType, dependency.Task)));
        }

        foreach (var dependee in taskType.GetCustomAttributes<IsDependeeOfAttribute>())
        {
            builder.IsDependeeOf(NameOf(CheckIsTask(taskType, dependee.Task)));
        }

        var reason = taskType.GetCustomAttribute<SkipReasonAttribute>()?.Reason ?? $"{name} decided not to run (its ShouldRun)";
        builder.WithCriteria(
            _ =>
            {
                var runs = resolveTask().ShouldRun(resolveContext());
                if (!runs)
                {
                    skipped(name, reason);
                }

                return runs;
            },
            reason);
        if (run.Check && CheckBehaviourOf(taskType) == CheckBehaviour.SaysWhatItWouldDo)
        {
            builder.Does(context => context.Log.Information("{0} does not run under --check; it would: {1}", name, description ?? name));
        }
        else
        {
            builder.Does(() =>
            {
                stopping.ThrowIfCancellationRequested();
                return resolveTask().RunAsync(resolveContext());
            });
        }

        // As in Frosting, the handlers are registered only when the task overrides them: a Cake
        // error handler takes the exception over, and a task without one must fail the run.
        if (Overrides(taskType, nameof(IFrostingTask.OnError)))
        {
            builder.OnError(exception => resolveTask().OnError(exception, resolveContext()));
        }

        if (Overrides(taskType, nameof(IFrostingTask.Finally)))
        {
            builder.Finally(() => resolveTask().Finally(resolveContext()));
        }
    }

    private static Type CheckIsTask(Type owner, Type referenced) =>
        typeof(IFrostingTask).IsAssignableFrom(referenced)
            ? referenced
            : throw new FrostingException($"Task {owner.Name} names {referenced.Name} as a dependency, but it is not a task.");

    private static bool Overrides(Type taskType, string method) =>
        taskType.GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Any(m => m.Name == method && m.GetBaseDefinition().DeclaringType != m.DeclaringType);
}
