using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName("ConfigureHost")]
[TaskDescription("Configures every web host over SSH, idempotently under the deploy lock (--check: report what would change, change nothing; --report=FILE.json; --allow-reboot: reboot a host that asks for it)")]
[IsDependentOn(typeof(UpgradePackagesTask))]
[IsDependentOn(typeof(CreateUsersTask))]
[IsDependentOn(typeof(PrepareWebRootTask))]
[IsDependentOn(typeof(InstallPackagesTask))]
[IsDependentOn(typeof(RemoveDefaultSiteTask))]
[CheckMode(CheckBehaviour.ChangesNothing)]
[TaskArgument(AllowRebootOption, typeof(bool), "reboot a web host whose packages ask for it (also the setting Host.AllowReboot); only under the deploy lock")]
[IsDependentOn(typeof(SecureHostTask))]
[IsDependentOn(typeof(PrepareTlsTask))]
[IsDependentOn(typeof(InstallContainerEngineTask))]
public sealed class ConfigureHostTask : FrostingTask<DeployContext>
{
    public const string AllowRebootOption = "allow-reboot";
}
