using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tasks.Operator;

[TaskName("Manage")]
[TaskDescription("Runs manage.py COMMAND in the serving release on the first web host (or --hosts), as the site's user with its environment: on a terminal when this one is, streamed otherwise; its exit code is the run's")]
[TaskArgument(CommandOption, typeof(string), "the manage.py command line, read by the site user's sh (e.g. \"createsuperuser --noinput --username=admin --email=a@example.org\")", Placeholder = "COMMAND")]
public sealed class ManageTask(RunConnections connections, ICakeLog log) : OperatorTask(connections)
{
    public const string CommandOption = "command";

    protected override async Task RunAsync(DeployContext context, OperatorCommands commands, IRemoteExecutor executor, IReadOnlyList<SshTarget> hosts)
    {
        var command = context.Options.Get<string?>(CommandOption);
        if (string.IsNullOrWhiteSpace(command) || command.Contains('\n'))
        {
            throw new InvalidOperationException("Manage needs --command=\"...\": one manage.py command line, e.g. --command=migrate or --command=\"createsuperuser --noinput --username=admin\".");
        }

        var host = hosts[0];
        if (!Console.IsInputRedirected && !Console.IsOutputRedirected)
        {
            var (pool, _) = await Connections.OpenAsync(context, "reach the web hosts");
            var code = SshCommandLine.RunOnTerminal(SshCommandLine.For(pool.Options, host, commands.ManageScript(command)));
            Fail(host, command, code);
            return;
        }

        try
        {
            await executor.RunAsync(host, commands.Manage(command, line => log.Information(line)));
        }
        catch (RemoteCommandException exception)
        {
            Fail(host, command, exception.ExitCode);
        }
    }

    private static void Fail(SshTarget host, string command, int code)
    {
        if (code != 0)
        {
            throw new ExitCodeException(code, $"{host.Name}: manage.py {command} ended with exit code {code}.");
        }
    }
}
