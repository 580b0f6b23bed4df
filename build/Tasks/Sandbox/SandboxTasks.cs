using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tasks.Sandbox;

/// <summary>The sandbox of the run's environment, logging through Cake and turning sandbox errors into one-line task failures.</summary>
internal static class SandboxTasks
{
    public static LocalSandbox For(DeployContext context) =>
        new(context.Settings, context.Secrets, context.RepositoryRoot, context.Log.Information, context.Log.Verbose);

    /// <summary>Boots the sandbox; under --check only says which hosts run and which would be booted.</summary>
    public static void Up(DeployContext context)
    {
        if (!context.Options.Check)
        {
            Guard(() => For(context).Up());
            return;
        }

        WriteStatus(context, For(context), "stopped: SandboxUp would boot it");
    }

    /// <summary>Each host with its address and whether it runs; <paramref name="stopped"/> is said of one that does not.</summary>
    public static void WriteStatus(DeployContext context, LocalSandbox sandbox, string stopped)
    {
        foreach (var status in sandbox.Status())
        {
            context.Log.Information("{0} {1} {2}", status.Host.Name, status.Host.Address, status.Running ? "running" : stopped);
        }
    }

    public static void Guard(Action action)
    {
        try
        {
            action();
        }
        catch (SandboxException exception)
        {
            throw new Cake.Core.CakeException(exception.Message);
        }
    }
}
