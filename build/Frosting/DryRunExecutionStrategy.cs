// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>Lets Cake's engine walk the graph in order while running nothing: each task is only named.</summary>
internal sealed class DryRunExecutionStrategy(ICakeLog log) : IExecutionStrategy
{
    private int _step;

    public void PerformSetup(Action<ISetupContext> action, ISetupContext context)
    {
    }

    public void PerformTeardown(Action<ITeardownContext> action, ITeardownContext teardownContext)
    {
    }

    public Task ExecuteAsync(CakeTask task, ICakeContext context)
    {
        log.Information("{0}. {1}", ++_step, task.Name);
        return Task.CompletedTask;
    }

    public void Skip(CakeTask task, CakeTaskCriteria criteria)
    {
    }

    public Task ReportErrorsAsync(Func<Exception, Task> action, Exception exception) => Task.CompletedTask;

    public Task HandleErrorsAsync(Func<Exception, ICakeContext, Task> action, Exception exception, ICakeContext context) => Task.CompletedTask;

    public Task InvokeFinallyAsync(Func<ICakeContext, Task> action, ICakeContext context) => Task.CompletedTask;

    public void PerformTaskSetup(Action<ITaskSetupContext> action, ITaskSetupContext taskSetupContext)
    {
    }

    public void PerformTaskTeardown(Action<ITaskTeardownContext> action, ITaskTeardownContext taskTeardownContext)
    {
    }
}
