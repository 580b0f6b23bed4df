using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Shell")]
[TaskDescription("A shell on the first web host (or --hosts) over ssh with the suite's key and known_hosts; without a terminal, prints that ssh command line")]
[CheckMode(CheckBehaviour.ChangesNothing)]
public sealed class ShellTask(RunConnections connections, IConsole console) : OperatorTask(connections)
{
    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var (pool, _) = await Connections.OpenAsync(context, "reach the web hosts");
        var ssh = SshCommandLine.For(pool.Options, hosts[0]);
        if (Console.IsInputRedirected || Console.IsOutputRedirected)
        {
            console.WriteLine(ssh.ToString());
            return;
        }

        var code = SshCommandLine.RunOnTerminal(ssh);
        if (code != 0)
        {
            throw new ExitCodeException(code, $"ssh to {hosts[0].Name} ended with exit code {code}.");
        }
    }
}
