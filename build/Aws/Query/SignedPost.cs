using System.Net;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>
/// What AWS's Query and JSON protocols share: a POST to the service's endpoint signed with SigV4,
/// the reply's text on success, and throttling or server errors retried with exponential backoff.
/// Each protocol brings its content type, its extra headers and how it reads an error reply.
/// </summary>
public sealed class SignedPost(HttpClient http, Uri endpoint, string signingRegion, string service, QueryClientOptions options)
{
    private static readonly HashSet<string> ThrottlingCodes =
        ["Throttling", "ThrottlingException", "RequestLimitExceeded", "RequestThrottled", "TooManyRequestsException", "RequestThrottledException"];

    public string Service => service;

    public Uri Endpoint => endpoint;

    /// <summary>Sends <paramref name="body"/> until it succeeds or fails for good; <paramref name="shown"/> is what the trace says of the request (secrets already masked).</summary>
    public async Task<string> SendAsync(
        string action,
        byte[] body,
        string contentType,
        IReadOnlyDictionary<string, string> extraHeaders,
        string shown,
        Func<HttpStatusCode, string, AwsQueryException> readError,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            options.Trace($"{service} {action} {shown}");
            using var request = await SignedRequestAsync(body, contentType, extraHeaders, cancellationToken);
            using var response = await http.SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return text;
            }

            var error = ErrorBody.IsHtml(text)
                ? new AwsQueryException(service, action, response.StatusCode, response.StatusCode.ToString(),
                    $"{endpoint} answered with an HTML page, not AWS's error document: \"{ErrorBody.Summary(text)}\". Check Aws.Endpoint (--aws-endpoint) and Aws.Region", "")
                : readError(response.StatusCode, text);
            var retryable = ThrottlingCodes.Contains(error.Code) || (int)response.StatusCode >= 500;
            if (!retryable || attempt >= options.MaxAttempts)
            {
                throw error;
            }

            var backoff = TimeSpan.FromMilliseconds(Math.Min(20_000, 250 * Math.Pow(2, attempt - 1) * (1 + Random.Shared.NextDouble())));
            options.Trace($"{service} {action}: {error.Code}, retrying in {backoff.TotalSeconds:0.0}s (attempt {attempt + 1} of {options.MaxAttempts})");
            await options.Delay(backoff, cancellationToken);
        }
    }

    private async Task<HttpRequestMessage> SignedRequestAsync(byte[] body, string contentType, IReadOnlyDictionary<string, string> extraHeaders, CancellationToken cancellationToken)
    {
        var credentials = await options.Credentials(cancellationToken);
        var now = options.UtcNow();
        var headers = new Dictionary<string, string>
        {
            ["content-type"] = contentType,
            ["host"] = endpoint.IsDefaultPort ? endpoint.Host : $"{endpoint.Host}:{endpoint.Port}",
            ["x-amz-date"] = SigV4.AmzDate(now),
        };
        foreach (var (name, value) in extraHeaders)
        {
            headers[name.ToLowerInvariant()] = value;
        }

        if (!string.IsNullOrEmpty(credentials.SessionToken))
        {
            headers["x-amz-security-token"] = credentials.SessionToken;
        }

        var authorization = SigV4.Authorization(credentials.AccessKey, credentials.SecretKey, signingRegion, service, now, "POST", endpoint, headers, body);
        var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = new ByteArrayContent(body) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        request.Headers.TryAddWithoutValidation("Authorization", authorization);
        foreach (var (name, value) in headers.Where(header => header.Key is not ("content-type" or "host")))
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        return request;
    }
}
