using System.Text.Json.Nodes;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.LoadBalancing;

/// <summary>
/// What Status reports of the sandbox's load balancer where HTTPS ends: the certificate it serves (none: no file yet,
/// plain http), or why it could not be read.
/// </summary>
public sealed record LoadBalancerStatus(string Host, CertificateLine? Certificate, string? Unreadable = null)
{
    public IEnumerable<string> Lines()
    {
        yield return $"{Host} (load balancer):";
        yield return $"  certificate: {Unreadable switch
        {
            { } reason => $"unreadable ({reason})",
            null when Certificate is { } certificate => $"{string.Join(", ", certificate.Names)}, expires {certificate.NotAfter} (serial {certificate.Serial})",
            null => "none yet (http)",
        }}";
    }

    public JsonObject ToJson() => new()
    {
        ["host"] = Host,
        ["certificate"] = Certificate is { } certificate
            ? new JsonObject { ["names"] = new JsonArray([.. certificate.Names.Select(n => (JsonNode)n)]), ["notAfter"] = certificate.NotAfter, ["serial"] = certificate.Serial }
            : null,
        ["error"] = Unreadable,
    };
}
