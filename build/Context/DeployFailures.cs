using System.Net.Sockets;
using Amazon.Runtime;
using Cake.Frosting;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Database;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using Npgsql;

namespace CoralNet.Deploy.Context;

/// <summary>
/// The failures the suite expects (its own exception types, and the messages it raises as
/// InvalidOperationException) in one line with what to do; a refused connection names the service
/// and the setting that points there. Anything else is left to the host to report as a bug.
/// </summary>
public sealed class DeployFailures : IFailureDescriber
{
    public string? Describe(Exception failure)
    {
        if (RefusedConnection(failure) is { } refused)
        {
            return refused;
        }

        return failure is SettingsException or SandboxException or RemoteCommandException or HostConfigurationException
            or HostKeyRefusedException or DatabaseSetupException or ReleaseException or AwsQueryException
            or SecretUnavailableException or AmazonServiceException or InvalidOperationException
            ? failure.Message
            : null;
    }

    private static string? RefusedConnection(Exception failure)
    {
        var chain = Chain(failure).ToList();
        if (!chain.OfType<SocketException>().Any(socket => socket.SocketErrorCode == SocketError.ConnectionRefused))
        {
            return null;
        }

        // "Connection refused (127.0.0.1:5077)": the outermost message that names where.
        var where = chain.Select(e => e.Message).FirstOrDefault(m => m.Contains("refused (", StringComparison.OrdinalIgnoreCase)) ?? failure.Message;
        if (chain.Any(e => e is NpgsqlException))
        {
            return $"The database refused the connection ({where}): its address is the sandbox's database host (Sandbox.DatabaseHost) or the environment's RDS instance, its port Database.Port; is PostgreSQL running there?";
        }

        if (chain.Any(e => e is HttpRequestException or AmazonClientException))
        {
            return $"AWS refused the connection ({where}): the endpoint comes from the setting Aws.Endpoint (--aws-endpoint=URL); start the service it names, or leave it empty to reach AWS itself.";
        }

        return $"SSH refused the connection ({where}): the hosts come from the sandbox (Sandbox.WebHosts; ./build.sh --target=SandboxStatus shows whether they run) or from AWS, the port and user from Ssh.Port and Ssh.User; is the host up and its sshd listening?";
    }

    private static IEnumerable<Exception> Chain(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}
