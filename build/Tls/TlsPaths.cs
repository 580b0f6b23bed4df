using CoralNet.Deploy.Release;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tls;

/// <summary>
/// Where a web host keeps the site's certificate: certbot's own lineage (named after the site) in acme
/// mode, the usual Debian folders in files mode; and the folder certbot writes HTTP-01 answers into.
/// </summary>
public sealed record TlsPaths(ReleasePaths Site, TlsMode Mode)
{
    /// <summary>certbot's lineage of the site's certificate (--cert-name).</summary>
    public string CertificateName => Site.SiteName;

    public string Chain => Mode == TlsMode.Acme
        ? $"/etc/letsencrypt/live/{CertificateName}/fullchain.pem"
        : $"/etc/ssl/{Site.SiteName}/fullchain.pem";

    public string Key => Mode == TlsMode.Acme
        ? $"/etc/letsencrypt/live/{CertificateName}/privkey.pem"
        : $"/etc/ssl/private/{Site.SiteName}.key";

    /// <summary>certbot's webroot: nginx serves /.well-known/acme-challenge/ from below it, nothing else.</summary>
    public string ChallengeRoot => Site.Site + "/acme";

    /// <summary>Run by certbot after each renewal: nginx -t, then a graceful reload.</summary>
    public string DeployHook => $"/etc/letsencrypt/renewal-hooks/deploy/{Site.SiteName}-nginx";

    /// <summary>The ACME directory's CA, when the host does not trust it already (a test CA).</summary>
    public string AcmeCaBundle => $"/etc/letsencrypt/{Site.SiteName}-acme-ca.pem";
}
