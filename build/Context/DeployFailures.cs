using System.Net.Sockets;
using Amazon.Runtime;
using Cake.Docker;
using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Database;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Context;

/// <summary>
/// The failures the suite expects (its own exception types, and the messages it raises as
/// InvalidOperationException) in one line with what to do; a connection AWS's endpoint refused names the
/// setting that points there (SSH and the database say theirs where they connect). Anything else is
/// left to the host to report as a bug.
/// </summary>
public sealed class DeployFailures : IFailureDescriber
{
    public string? Describe(Exception failure)
    {
        if (Chain(failure).OfType<AwsUnreachableException>().FirstOrDefault() is { } unreachable)
        {
            return unreachable.Message;
        }

        if (RefusedByAws(failure) is { } refused)
        {
            return refused;
        }

        if (failure is AmazonClientException && failure.Message.StartsWith("Failed to resolve AWS credentials", StringComparison.Ordinal))
        {
            return "AWS credentials were not found: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (or AWS_PROFILE) of an identity allowed what ./build.sh --target=DeployPolicy prints.";
        }

        return failure is SettingsException or SandboxException or RemoteCommandException or HostConfigurationException
            or HostKeyRefusedException or DatabaseSetupException or ReleaseException or AwsQueryException
            or SecretUnavailableException or AmazonServiceException or InvalidOperationException or ContainerException or DockerException or CertificateException
            ? failure.Message
            : null;
    }

    private static string? RefusedByAws(Exception failure)
    {
        var chain = Chain(failure).ToList();
        if (!chain.OfType<SocketException>().Any(socket => socket.SocketErrorCode == SocketError.ConnectionRefused)
            || !chain.Any(e => e is HttpRequestException or AmazonClientException))
        {
            return null;
        }

        // "Connection refused (127.0.0.1:5077)": the outermost message that names where.
        var where = chain.Select(e => e.Message).FirstOrDefault(m => m.Contains("refused (", StringComparison.OrdinalIgnoreCase)) ?? failure.Message;
        return $"AWS refused the connection ({where}): the endpoint comes from the setting Aws.Endpoint (--aws-endpoint=URL); start the service it names, or leave it empty to reach AWS itself.";
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
