using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace CoralNet.Deploy.Context;

/// <summary>Says which environment the run works on before the first task, and when it ends.</summary>
public sealed class DeployLifetime : FrostingLifetime<DeployContext>
{
    public override void Setup(DeployContext context, ISetupContext info) =>
        context.Log.Information(
            "Environment '{0}' ({1}), target '{2}'.",
            context.Settings.Environment,
            context.Settings.Provider.ToString().ToLowerInvariant(),
            info.TargetTask.Name);

    public override void Teardown(DeployContext context, ITeardownContext info) =>
        context.Log.Verbose(info.Successful ? "Run finished." : "Run failed: see the errors above.");
}
