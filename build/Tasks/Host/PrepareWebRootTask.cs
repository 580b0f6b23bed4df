using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.PrepareWebRoot)]
[TaskDescription("Web hosts: Site.Root owned by group www-data, mode 2775 (setgid), with every person in www-data")]
[IsDependentOn(typeof(CreateUsersTask))]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class PrepareWebRootTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.PrepareWebRoot);
