using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Amazon.Runtime.Internal.Auth;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>
/// AWS Signature Version 4 for one request: the canonical request is built here as AWS's SigV4
/// documentation describes it, and the key derivation and HMAC come from AWSSDK.Core's signer.
/// </summary>
public static class SigV4
{
    public const string Algorithm = "AWS4-HMAC-SHA256";

    /// <summary>Returns the Authorization header for a request whose headers (host and x-amz-date included) are all signed.</summary>
    public static string Authorization(
        string accessKey,
        string secretKey,
        string region,
        string service,
        DateTime signedAt,
        string method,
        Uri url,
        IReadOnlyDictionary<string, string> headers,
        byte[] body)
    {
        var sorted = headers
            .Select(header => (Name: header.Key.ToLowerInvariant(), Value: string.Join(' ', header.Value.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries))))
            .OrderBy(header => header.Name, StringComparer.Ordinal)
            .ToList();
        var signedHeaders = string.Join(';', sorted.Select(header => header.Name));
        var canonicalRequest = string.Join('\n',
            method,
            url.AbsolutePath.Length == 0 ? "/" : url.AbsolutePath,
            CanonicalQuery(url.Query),
            string.Concat(sorted.Select(header => $"{header.Name}:{header.Value}\n")),
            signedHeaders,
            Convert.ToHexStringLower(SHA256.HashData(body)));
        var result = AWS4Signer.ComputeSignature(accessKey, secretKey, region, signedAt, service, signedHeaders, canonicalRequest);
        return result.ForAuthorizationHeader;
    }

    public static string AmzDate(DateTime utc) => utc.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);

    private static string CanonicalQuery(string query)
    {
        if (query.Length <= 1)
        {
            return "";
        }

        return string.Join('&', query[1..]
            .Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(pair => pair.Split('=', 2))
            .Select(parts => (Key: Encode(Uri.UnescapeDataString(parts[0])), Value: Encode(parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "")))
            .OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .ThenBy(pair => pair.Value, StringComparer.Ordinal)
            .Select(pair => pair.Key + "=" + pair.Value));
    }

    /// <summary>RFC 3986 encoding as SigV4 wants it: unreserved characters kept, everything else %XX (upper case).</summary>
    public static string Encode(string text) => Uri.EscapeDataString(text);

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
