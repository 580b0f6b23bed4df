using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.UpgradePackages)]
[IsDependentOn(typeof(ProvisionTask))]
[TaskDescription("Web hosts: apt-get update and upgrade (at most daily), then reboot if a package asks for it")]
public sealed class UpgradePackagesTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.UpgradePackages);
