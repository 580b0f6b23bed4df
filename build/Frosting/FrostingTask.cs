// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;

namespace Cake.Frosting;

/// <summary>Base class for a synchronous task on a custom context.</summary>
public abstract class FrostingTask<T> : IFrostingTask
    where T : ICakeContext
{
    public virtual void Run(T context)
    {
    }

    public virtual bool ShouldRun(T context) => true;

    public virtual void OnError(Exception exception, T context)
    {
    }

    public virtual void Finally(T context)
    {
    }

    Task IFrostingTask.RunAsync(ICakeContext context)
    {
        Run((T)context);
        return Task.CompletedTask;
    }

    bool IFrostingTask.ShouldRun(ICakeContext context) => ShouldRun((T)context);

    void IFrostingTask.OnError(Exception exception, ICakeContext context) => OnError(exception, (T)context);

    void IFrostingTask.Finally(ICakeContext context) => Finally((T)context);
}

/// <summary>Base class for a synchronous task on the standard context.</summary>
public abstract class FrostingTask : FrostingTask<ICakeContext>
{
}
