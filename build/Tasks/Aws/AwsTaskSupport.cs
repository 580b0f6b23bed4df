using Cake.Core.Diagnostics;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Aws;

/// <summary>What the AWS tasks share: Cake's log for the AWS code, and the provisioner of the run's environment.</summary>
internal sealed class CakeAwsLog(ICakeLog log) : IAwsLog
{
    public void Information(string message) => log.Information(message);

    public void Warning(string message) => log.Warning(message);

    public void Verbose(string message) => log.Verbose(message);

    public static (AwsProvisioner Provisioner, AwsServices Services) Provisioner(DeployContext context)
    {
        var log = new CakeAwsLog(context.Log);
        var services = AwsClientFactory.Create(context.Settings.Aws, log);
        var provisioner = new AwsProvisioner(
            context.Settings,
            context.RepositoryRoot,
            context.Secrets.Get(context.Settings.Database.MasterPassword),
            services,
            WaitOptions.Real(context.Settings.Timeouts.AwsWaitSeconds),
            log);
        return (provisioner, services);
    }
}
