using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tasks.Sandbox;

/// <summary>The sandbox of the run's environment, logging through Cake and turning sandbox errors into one-line task failures.</summary>
internal static class SandboxTasks
{
    public static LocalSandbox For(DeployContext context) =>
        new(context.Settings, context.Secrets, context.RepositoryRoot, context.Log.Information, context.Log.Verbose);

    public static void Up(DeployContext context) => Guard(() => For(context).Up());

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
