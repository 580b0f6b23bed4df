using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.InstallPackages)]
[TaskDescription("Web hosts: nginx, Python build tools, Pillow's libraries, the Django stack and Site.ExtraPackages")]
[IsDependentOn(typeof(UpgradePackagesTask))]
public sealed class InstallPackagesTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.InstallPackages);
