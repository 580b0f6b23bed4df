using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Testing;

namespace CoralNet.Deploy.Tasks;

[TaskName("InstallTestPrerequisites")]
[TaskDescription("Installs the Debian packages the tests use on this machine (sshd, sudo, PostgreSQL, Django, gunicorn, podman, runc, docker-registry) and PowerShell (for build.ps1) when missing")]
public sealed class InstallTestPrerequisitesTask : FrostingTask<DeployContext>
{
    public override void Run(DeployContext context) =>
        TestPrerequisites.Ensure(
            new LocalRunner(line => context.Log.Verbose(line)),
            new PowerShellTool(context.RepositoryRoot),
            line => context.Log.Information(line));
}
