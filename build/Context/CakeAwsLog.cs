using Cake.Core.Diagnostics;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Resources;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>What the AWS tasks share: Cake's log for the AWS code, the provisioner of the run's environment, and its outputs.</summary>
internal sealed class CakeAwsLog(ICakeLog log) : IAwsLog
{
    public void Information(string message) => log.Information(message);

    public void Warning(string message) => log.Warning(message);

    public void Verbose(string message) => log.Verbose(message);

    /// <param name="databaseChanges">When changes to an existing database's settings are made.</param>
    public static (AwsProvisioner Provisioner, AwsServices Services) Provisioner(DeployContext context, DatabaseChanges databaseChanges = DatabaseChanges.InMaintenanceWindow)
    {
        var log = new CakeAwsLog(context.Log);
        var services = context.Aws.Connect(context.Settings.Aws, log);
        var provisioner = new AwsProvisioner(
            context.Settings,
            context.RepositoryRoot,
            context.Secrets.Get(context.Settings.Database.MasterPassword),
            services,
            WaitOptions.Real(context.Settings.Timeouts.AwsWaitSeconds),
            log,
            databaseChanges);
        return (provisioner, services);
    }

    /// <summary>The environment's hosts: what ProvisionAws made in this run, or else what AWS has, by tags (Describe calls only).</summary>
    public static async Task<AwsHosts> HostsAsync(DeployContext context)
    {
        if (context.AwsOutputs is null)
        {
            using var services = context.Aws.Connect(context.Settings.Aws, new CakeAwsLog(context.Log));
            context.AwsOutputs = await AwsUnreachableException.Around("looking up the environment's hosts (EC2, RDS)", context.Settings.Aws, context.Settings.Aws.Region,
                () => AwsOutputs.LookUpAsync(services, context.Settings, CancellationToken.None));
            context.Log.Information("AWS environment '{0}': {1}.", context.Settings.Environment, context.AwsOutputs);
        }

        return new AwsHosts(context.Settings, context.AwsOutputs);
    }
}
