using System.Net.Http;
using System.Net.Sockets;
using Amazon.Runtime;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// A call that never reached AWS (connection refused, name not resolved, timed out), or that reached
/// something answering with an HTML page where AWS sends its error document (a proxy, a wrong endpoint),
/// said with the service and resource, the endpoint, and the setting that names it.
/// </summary>
public sealed class AwsUnreachableException(string message, Exception inner) : Exception(message, inner)
{
    /// <summary>Runs AWS calls; a failure to reach an AWS API is rethrown as this, saying <paramref name="what"/> was being done.</summary>
    public static async Task<T> Around<T>(string what, AwsSettings aws, string region, Func<Task<T>> calls)
    {
        try
        {
            return await calls();
        }
        catch (Exception failure) when (failure is not AwsUnreachableException && (IsTransport(failure) || HtmlAnswer(failure) is not null))
        {
            throw For(what, aws, region, failure);
        }
    }

    /// <summary>Whether the failure is a transport failure rather than an answer from AWS.</summary>
    private static bool IsTransport(Exception failure)
    {
        for (var current = failure; current is not null; current = current.InnerException)
        {
            if (current is HttpRequestException or SocketException || current is TaskCanceledException { InnerException: TimeoutException })
            {
                return true;
            }
        }

        return false;
    }

    private static AwsUnreachableException For(string what, AwsSettings aws, string region, Exception failure)
    {
        if (HtmlAnswer(failure) is { } page)
        {
            var answered = aws.Endpoint.Length > 0
                ? $"the endpoint {aws.Endpoint}, from the setting Aws.Endpoint (--aws-endpoint=URL); check that it names an AWS API, or leave it empty to reach AWS itself"
                : $"AWS's endpoint for region {region}, from the setting Aws.Region; a proxy may stand between: check this machine's proxy settings";
            return new AwsUnreachableException(
                $"{what}: an HTML page (HTTP {(int)page.StatusCode}, \"{ErrorBody.Summary(page.Message)}\") instead of AWS's answer, from {answered}.", failure);
        }

        // HttpClient's own message names the address ("Connection refused (127.0.0.1:5077)"); the socket's does not.
        var cause = failure;
        for (var current = failure; current is not null; current = current.InnerException)
        {
            cause = current;
            if (current is HttpRequestException)
            {
                break;
            }
        }

        var where = aws.Endpoint.Length > 0
            ? $"the endpoint {aws.Endpoint}, from the setting Aws.Endpoint (--aws-endpoint=URL); start the service it names, or leave it empty to reach AWS itself"
            : $"AWS's endpoint for region {region}, from the setting Aws.Region; check this machine's network and proxy settings";
        return new AwsUnreachableException($"{what}: no answer ({cause.Message}) from {where}.", failure);
    }

    /// <summary>The AWS SDK's error for a reply that was an HTML page: its message holds the page whole.</summary>
    private static AmazonServiceException? HtmlAnswer(Exception failure) =>
        failure as AmazonServiceException is { } service && ErrorBody.IsHtml(service.Message) ? service : null;
}
