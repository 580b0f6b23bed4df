using Cake.Frosting;
using CoralNet.Deploy.Context;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName("ConfigureHost")]
[TaskDescription("Configures every web host over SSH, idempotently (--check: report what would change, change nothing; --report=FILE.json)")]
[IsDependentOn(typeof(UpgradePackagesTask))]
[IsDependentOn(typeof(CreateUsersTask))]
[IsDependentOn(typeof(PrepareWebRootTask))]
[IsDependentOn(typeof(InstallPackagesTask))]
[IsDependentOn(typeof(RemoveDefaultSiteTask))]
public sealed class ConfigureHostTask : FrostingTask<DeployContext>
{
}
