// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;

namespace Cake.Frosting;

/// <summary>Code that runs once before the first task and once after the last.</summary>
public interface IFrostingLifetime
{
    void Setup(ICakeContext context, ISetupContext info);

    void Teardown(ICakeContext context, ITeardownContext info);
}

/// <summary>Base class for a lifetime on a custom context.</summary>
public abstract class FrostingLifetime<TContext> : IFrostingLifetime
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ISetupContext info);

    public abstract void Teardown(TContext context, ITeardownContext info);

    void IFrostingLifetime.Setup(ICakeContext context, ISetupContext info) => Setup((TContext)context, info);

    void IFrostingLifetime.Teardown(ICakeContext context, ITeardownContext info) => Teardown((TContext)context, info);
}

/// <summary>Code that runs before and after every task.</summary>
public interface IFrostingTaskLifetime
{
    void Setup(ICakeContext context, ITaskSetupContext info);

    void Teardown(ICakeContext context, ITaskTeardownContext info);
}

/// <summary>Base class for a task lifetime on a custom context.</summary>
public abstract class FrostingTaskLifetime<TContext> : IFrostingTaskLifetime
    where TContext : ICakeContext
{
    public abstract void Setup(TContext context, ITaskSetupContext info);

    public abstract void Teardown(TContext context, ITaskTeardownContext info);

    void IFrostingTaskLifetime.Setup(ICakeContext context, ITaskSetupContext info) => Setup((TContext)context, info);

    void IFrostingTaskLifetime.Teardown(ICakeContext context, ITaskTeardownContext info) => Teardown((TContext)context, info);
}
