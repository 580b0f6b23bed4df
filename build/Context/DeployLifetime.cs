using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>Says which environment the run works on before the first task (and asks for confirmation where needed), and when it ends (with its audit line and hook).</summary>
/// <param name="output">Taken here, before any task, so that the run's output is disposed (and written) after everything else.</param>
/// <param name="tasks">Told here which tasks the run executes.</param>
public sealed class DeployLifetime(RunOutput output, RunAudit audit, RunTasks tasks) : FrostingLifetime<DeployContext>
{
    public RunOutput Output => output;

    public override void Setup(DeployContext context, ISetupContext info)
    {
        tasks.Plan(info.TasksToExecute.Select(task => task.Name));
        context.Log.Information(
            "Environment '{0}' ({1}), target '{2}'.",
            context.Settings.Environment,
            context.Settings.Provider.ToString().ToLowerInvariant(),
            info.TargetTask.Name);
        if (PlainHttpWarning(context.Settings) is { } warning)
        {
            context.Log.Warning(warning);
        }

        // Begun first, so that a refused run's --report still names its target.
        audit.Begin(info.TargetTask.Name);
        Confirmation.Require(context, info.TargetTask.Name, Confirmation.Terminal());
    }

    /// <summary>
    /// Said on every run outside the sandbox while Tls.Mode is off, whatever the target: serving in clear is a choice to be
    /// reminded of. Not behind an AWS load balancer, where HTTPS ends at its listener and off is what the settings ask for.
    /// </summary>
    public static string? PlainHttpWarning(DeploySettings settings) =>
        settings.Provider != ProviderKind.Sandbox && !SiteFront.Https(settings)
            ? $"Tls.Mode is off: {settings.Site.Domain} is served over plain http, logins and session cookies in clear. Set Tls.Mode to acme (or files) to serve https."
            : null;

    public override void Teardown(DeployContext context, ITeardownContext info)
    {
        audit.End(context, info.Successful);
        context.Log.Verbose(info.Successful ? "Run finished." : "Run failed: see the errors above.");
    }
}
