using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.PrepareWebRoot)]
[TaskDescription("Web hosts: Site.Root and the site folder root's and read-only to the site's user (an earlier layout converted), the people's shared folder /srv/people (group people, setgid, sticky)")]
[IsDependentOn(typeof(CreateUsersTask))]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class PrepareWebRootTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.PrepareWebRoot);
