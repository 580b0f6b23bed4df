using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tls;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The site's nginx config for each host: over https once the host holds the certificate (read under the
/// lock) or this run moved it there, over http until then; and the environment's https flags to match.
/// </summary>
public sealed class NginxSites(ReleaseOptions options)
{
    private readonly ReleasePaths _paths = new(options.Site.Root, options.Site.Name);
    private readonly HashSet<string> _movedToTls = [];

    /// <summary>Where the site's certificate chain lies on a host; null when the site is served over http only.</summary>
    public static string? CertificateChain(ReleaseOptions options) =>
        options.TlsOrOff.Mode == TlsMode.Off ? null : new TlsPaths(new ReleasePaths(options.Site.Root, options.Site.Name), options.TlsOrOff.Mode).Chain;

    public bool ServesTls(SshTarget host, ReleaseListing before)
    {
        lock (_movedToTls)
        {
            return _movedToTls.Contains(host.Name) || CertificateChain(options) is { } chain && before.Files.ContainsKey(chain);
        }
    }

    /// <summary>From now on the host's config is over https (it holds the certificate now).</summary>
    public void MoveToTls(SshTarget host)
    {
        lock (_movedToTls)
        {
            _movedToTls.Add(host.Name);
        }
    }

    /// <summary>Back to http for a host whose move to https failed (it held no certificate before this run).</summary>
    public void MoveBackToHttp(SshTarget host)
    {
        lock (_movedToTls)
        {
            _movedToTls.Remove(host.Name);
        }
    }

    /// <summary>
    /// The site's environment as the host serves it: https (secure-only cookies, CSRF origins https://NAME) only where
    /// a load balancer ends HTTPS in front of nginx or nginx serves https, the host holding the certificate. After a
    /// failed first issuance the site serves http, where secure-only cookies would never come back. A host moved to
    /// https later in the run gets it with the next deploy, which the changed file makes a deploy, not "nothing to do".
    /// </summary>
    public SiteEnvironment Environment(SshTarget host, ReleaseListing before, SiteEnvironment environment) =>
        environment with { Https = environment.Https && (options.Front?.HttpsAtLoadBalancer == true || ServesTls(host, before)) };

    /// <summary>The config sending requests to the gunicorn instance on <paramref name="slot"/>.</summary>
    public string For(SshTarget host, ReleaseListing before, int slot) =>
        SiteTemplates.NginxSite(options.Site, options.TlsOrOff, _paths, slot, ServesTls(host, before), options.NginxTemplate, options.Front);
}
