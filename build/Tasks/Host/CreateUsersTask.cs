using Cake.Frosting;
using CoralNet.Deploy.HostState;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(ConfigureHostPlan.CreateUsers)]
[TaskDescription("Web hosts: a login per person of People, key-only SSH, in sudo with a visudo-checked NOPASSWD drop-in and in group people; the site's system user (no login, in no other group)")]
[IsDependentOn(typeof(UpgradePackagesTask))]
public sealed class CreateUsersTask(HostRunSession session) : HostTask(session, ConfigureHostPlan.CreateUsers);
