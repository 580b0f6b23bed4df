using Cake.Frosting;
using CoralNet.Deploy.Container;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ContainerHostPlan.InstallContainerEngine)]
[TaskDescription("Web hosts, Site.Runtime container: the engine Container.HostEngine names (podman with runc and catatonit, or docker.io), its configuration and the registry the hosts pull the site's image from; on AWS also Debian's ECR credential helper, named in a root-only auth file, so that pulls log in with the instance role")]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class InstallContainerEngineTask(HostRunSession session) : HostTask(session, ContainerHostPlan.InstallContainerEngine);
