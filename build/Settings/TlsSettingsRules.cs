namespace CoralNet.Deploy.Settings;

/// <summary>The site's names and how it gets its certificate (Site.ExtraDomains, Tls.*).</summary>
public static class TlsSettingsRules
{
    public static IEnumerable<string> Validate(DeploySettings settings, string repositoryRoot)
    {
        var site = settings.Site;
        foreach (var name in site.ExtraDomains.Where(n => !SettingsPatterns.HostName().IsMatch(n)))
        {
            yield return $"Site.ExtraDomains: '{name}' is not a domain name, for example www.coralnet.example.org.";
        }

        foreach (var name in site.ExtraDomains.Where(n => n == site.Domain).Concat(site.ExtraDomains.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key)).Distinct())
        {
            yield return $"Site.ExtraDomains: '{name}' is named twice (Site.Domain counts); name each domain once.";
        }

        var tls = settings.Tls;
        foreach (var problem in SettingsValidator.InRange("Tls.HstsMaxAgeSeconds", tls.HstsMaxAgeSeconds, 0, 63_072_000))
        {
            yield return problem;
        }

        if (SiteFront.AwsLoadBalancer(settings) && tls.Mode != TlsMode.Off)
        {
            yield return $"Tls.Mode: {tls.Mode.ToString().ToLowerInvariant()}, but HTTPS ends at the load balancer (its 443 listener, with Aws.CertificateArn), which asks the instances' nginx over plain http on port 80; "
                + "set Tls.Mode to off (--tls_mode=off): the site is still served over https.";
            yield break;
        }

        switch (tls.Mode)
        {
            case TlsMode.Acme:
                if (!Uri.TryCreate(tls.AcmeDirectory, UriKind.Absolute, out var directory) || directory.Scheme != Uri.UriSchemeHttps)
                {
                    yield return $"Tls.AcmeDirectory: '{tls.AcmeDirectory}' is not an https URL of an ACME directory, for example {TlsSettings.LetsEncrypt}.";
                }

                if (tls.Email.Length > 0 && !SettingsPatterns.Email().IsMatch(tls.Email))
                {
                    yield return $"Tls.Email: '{tls.Email}' is not an e-mail address (or leave it empty to register without one).";
                }

                // certbot answers the CA's HTTP-01 challenge on the host it runs on, while the site's name
                // leads the CA to one host only: each further host's issuance would fail (and N hosts would
                // spend N of Let's Encrypt's 5 duplicate certificates a week). Behind the sandbox's load
                // balancer certbot runs there, the one host the names lead to.
                var webHosts = settings.Provider == ProviderKind.Sandbox ? settings.Sandbox.WebHosts.Count : settings.Aws.WebInstances;
                if (!LoadBalancerSettingsRules.InSandbox(settings) && webHosts > 1)
                {
                    yield return $"Tls.Mode: acme gets a certificate for one web host only, and this environment has {webHosts} web hosts. "
                        + "Use Tls.Mode files (one certificate and key for every host), or off behind a load balancer that serves HTTPS; or one web host.";
                }

                // The sandbox makes its test CA's file when it starts (SandboxUp), after the settings are read.
                if (tls.AcmeCaBundle.Length > 0 && !File.Exists(Path.Combine(repositoryRoot, tls.AcmeCaBundle)) && !MadeBySandbox(settings, tls.AcmeCaBundle))
                {
                    yield return $"Tls.AcmeCaBundle: no file '{tls.AcmeCaBundle}' under {repositoryRoot}; name the PEM file of the CA that signed the ACME directory's certificate, or leave it empty for a public CA.";
                }

                break;
            case TlsMode.Files:
                if (tls.CertificateChain.Length == 0 || !File.Exists(Path.Combine(repositoryRoot, tls.CertificateChain)))
                {
                    yield return $"Tls.CertificateChain: no file '{tls.CertificateChain}' under {repositoryRoot}; Tls.Mode files needs the certificate chain (PEM, the site's certificate first).";
                }

                break;
        }
    }

    private static bool MadeBySandbox(DeploySettings settings, string path) =>
        settings.Provider == ProviderKind.Sandbox
        && Path.GetFullPath(path, "/repository").StartsWith(Path.GetFullPath(settings.Sandbox.StateDirectory, "/repository") + "/", StringComparison.Ordinal);
}
