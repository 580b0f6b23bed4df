using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Resources;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Aws;

[TaskName("ProvisionAws")]
[TaskDescription("Creates or corrects the environment's AWS resources (security groups, key pair, IAM, S3, EC2, Elastic IP, RDS) and records the host keys")]
[CheckMode(CheckBehaviour.Reports)]
[SkipReason("ProvisionAws runs only for an environment whose Provider is aws")]
[TaskArgument(ApplyDatabaseChangesNowOption, typeof(bool), "changes an existing RDS instance at once (a short outage for some changes) instead of in its maintenance window")]
public sealed class ProvisionAwsTask : AsyncFrostingTask<DeployContext>
{
    public const string ApplyDatabaseChangesNowOption = "apply-database-changes-now";

    public override bool ShouldRun(DeployContext context) => context.Settings.Provider == ProviderKind.Aws;

    public override async Task RunAsync(DeployContext context)
    {
        var (provisioner, services) = CakeAwsLog.Provisioner(context, DatabaseChangesOf(context));
        using (services)
        {
            if (context.Options.Check)
            {
                // --check: the plan of what provisioning would do, changing nothing; printed at every
                // verbosity but quiet, since under Deploy it is not the run's result.
                var plan = await provisioner.PlanAsync(CancellationToken.None);
                foreach (var change in plan)
                {
                    context.Log.Information(change.ToString());
                }

                context.Log.Information(AwsProvisioner.Summary(plan, "ProvisionAws (--check)"));
                return;
            }

            await provisioner.ProvisionAsync(CancellationToken.None);
            context.AwsOutputs = provisioner.Outputs;
        }
    }

    /// <summary>Only a run whose target is provisioning changes an existing database's settings; Deploy leaves them to it.</summary>
    private static DatabaseChanges DatabaseChangesOf(DeployContext context) =>
        context.Options.Target.Equals("ProvisionAws", StringComparison.OrdinalIgnoreCase) || context.Options.Target.Equals("Provision", StringComparison.OrdinalIgnoreCase)
            ? context.Options.Get<bool>(ApplyDatabaseChangesNowOption) ? DatabaseChanges.Now : DatabaseChanges.InMaintenanceWindow
            : DatabaseChanges.LeftToProvision;
}
