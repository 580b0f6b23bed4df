using Cake.Frosting;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.UpgradePackages)]
// Under the deploy lock: nothing changes on a host while another run deploys to it.
[IsDependentOn(typeof(DeployLockTask))]
[TaskDescription("Web hosts: apt-get update and upgrade (at most daily), then reboot if a package asks for it and the run allows it (--allow-reboot or Host.AllowReboot; otherwise reported)")]
public sealed class UpgradePackagesTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.UpgradePackages);
