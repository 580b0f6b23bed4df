// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;

namespace Cake.Frosting;

/// <summary>Base class for an asynchronous task on a custom context.</summary>
public abstract class AsyncFrostingTask<T> : IFrostingTask
    where T : ICakeContext
{
    public virtual Task RunAsync(T context) => Task.CompletedTask;

    public virtual bool ShouldRun(T context) => true;

    public virtual void OnError(Exception exception, T context)
    {
    }

    public virtual void Finally(T context)
    {
    }

    Task IFrostingTask.RunAsync(ICakeContext context) => RunAsync((T)context);

    bool IFrostingTask.ShouldRun(ICakeContext context) => ShouldRun((T)context);

    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (T)context);

    void IFrostingTask.Finally(ICakeContext context) => Finally((T)context);
}

/// <summary>Base class for an asynchronous task on the standard context.</summary>
public abstract class AsyncFrostingTask : AsyncFrostingTask<ICakeContext>
{
}
