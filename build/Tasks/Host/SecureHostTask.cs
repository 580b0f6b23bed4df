using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.SecureHost)]
[TaskDescription("Web hosts: sshd by key only (a drop-in checked with sshd -t before reload), unattended security upgrades that never reboot")]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class SecureHostTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.SecureHost);
