using Cake.Frosting;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Tasks.Host;

[TaskName(TlsHostPlan.PrepareTls)]
[TaskDescription("Web hosts, Tls.Mode acme: certbot's webroot for ACME challenges, its deploy hook (nginx -t, then reload) and timer, and the ACME directory's CA when the host does not trust it (Tls.AcmeCaBundle)")]
[IsDependentOn(typeof(InstallPackagesTask))]
public sealed class PrepareTlsTask(HostRunSession session) : HostTask(session, TlsHostPlan.PrepareTls);
