using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.RemoveDefaultSite)]
[TaskDescription("Web hosts: nginx's default site disabled and nginx reloaded")]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class RemoveDefaultSiteTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.RemoveDefaultSite);
