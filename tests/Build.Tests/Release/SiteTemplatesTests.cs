using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

public sealed class SiteTemplatesTests
{
    private static readonly ReleasePaths Paths = new("/srv/www", "coralnet");

    private static readonly TlsSettings Off = new() { Mode = TlsMode.Off };

    private static SiteSettings Site() => new() { Name = "coralnet", Domain = "coralnet.example.org", Workers = 4, ClientMaxBodySizeMegabytes = 30 };

    [Test]
    public void BehindALoadBalancerWhereHttpsEndsNginxServesHttpAndBelievesItsForwardedProtoFromItsAddressOnly()
    {
        var config = SiteTemplates.NginxSite(Site(), new TlsSettings { Mode = TlsMode.Off, HstsMaxAgeSeconds = 600 }, Paths, 8002, servesTls: false, front: new NginxFront(HealthForAnyHost: true, HttpsAtLoadBalancer: true, TrustedProxy: "10.213.0.9"));
        var lines = config.Split('\n').Select(l => l.Trim()).ToList();

        Assert.That(lines, Does.Contain("geo $coralnet_from_load_balancer { default 0; 10.213.0.9 1; }"));
        Assert.That(lines, Does.Contain("map $coralnet_from_load_balancer $coralnet_forwarded_proto { 1 $http_x_forwarded_proto; default $scheme; }"));
        Assert.That(lines, Does.Contain("proxy_set_header X-Forwarded-Proto $coralnet_forwarded_proto;"));
        Assert.That(config, Does.Not.Contain("Strict-Transport-Security"), "HAProxy sends HSTS itself: nginx would send it twice");
        Assert.That(lines, Does.Not.Contain("listen 443 ssl http2;"));
        Assert.That(SiteTemplates.NginxSite(Site(), Off, Paths, 8002, servesTls: false), Does.Not.Contain("forwarded_proto"));
    }

    [Test]
    public void NginxSiteProxiesToTheServingInstanceWithTheRightHeadersAndTimeouts()
    {
        var config = SiteTemplates.NginxSite(Site(), Off, Paths, 8002, servesTls: false);
        var lines = config.Split('\n').Select(l => l.Trim()).ToList();

        Assert.That(lines, Does.Contain("server_name coralnet.example.org;"));
        Assert.That(lines, Does.Contain("proxy_pass http://127.0.0.1:8002;"));
        Assert.That(lines, Does.Contain("proxy_set_header Host $host;"));
        Assert.That(lines, Does.Contain("proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;"));
        Assert.That(lines, Does.Contain("proxy_set_header X-Forwarded-Proto $scheme;"));
        Assert.That(lines, Does.Contain("proxy_read_timeout 604800s;"));
        Assert.That(lines, Does.Contain("client_max_body_size 30m;"));
        Assert.That(lines, Does.Contain("alias /srv/www/coralnet/current/static/;"));
        Assert.That(lines, Does.Contain("if (-f /srv/www/coralnet/shared/maintenance) {"));
        Assert.That(lines, Does.Contain("error_page 503 /maintenance.html;"));
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void NginxHasASeparateDefaultServerAnswering444()
    {
        var config = SiteTemplates.NginxSite(Site(), Off, Paths, 8001, servesTls: false);
        var servers = config.Split("server {").Skip(1).ToList();

        Assert.That(servers, Has.Count.EqualTo(2));
        Assert.That(servers[0], Does.Contain("listen 80 default_server;").And.Contain("return 444;").And.Not.Contain("proxy_pass"));
        Assert.That(servers[1], Does.Not.Contain("default_server").And.Contain("proxy_pass"));
    }

    [Test]
    public void BehindALoadBalancerTheDefaultServerAnswersTheHealthUrlForTheSiteAndClosesEverythingElse()
    {
        var config = SiteTemplates.NginxSite(Site(), Off, Paths, 8002, servesTls: false, front: new NginxFront(HealthForAnyHost: true, HttpsAtLoadBalancer: false));
        var servers = config.Split("server {").Skip(1).ToList();

        Assert.That(servers, Has.Count.EqualTo(2));
        var lines = servers[0].Split('\n').Select(l => l.Trim()).ToList();
        Assert.That(lines, Does.Contain("listen 80 default_server;"));
        Assert.That(servers[0], Does.Contain("location = /health/ {\n        proxy_pass http://127.0.0.1:8002;\n        proxy_set_header Host coralnet.example.org;"),
            "the serving instance is asked as if for the site, whatever Host the load balancer sent");
        Assert.That(servers[0], Does.Contain("location / {\n        return 444;\n    }"));
        Assert.That(servers[0], Does.Contain("proxy_set_header X-Forwarded-Proto http;"), "the site is served over http");
        Assert.That(lines.IndexOf("return 444;"), Is.GreaterThan(lines.IndexOf("location / {")), "444 only in its location: a return at server level would run before any location");
        Assert.That(servers[1], Does.Contain("proxy_set_header X-Forwarded-Proto $scheme;"), "a load balancer that does not end HTTPS does not tell the scheme");
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void WithHttpsAtTheLoadBalancerTheSiteServesHttpTellingDjangoTheBalancersSchemeAndSendsHsts()
    {
        var config = SiteTemplates.NginxSite(Site(), new TlsSettings { Mode = TlsMode.Off, HstsMaxAgeSeconds = 600 }, Paths, 8001, servesTls: false,
            front: new NginxFront(HealthForAnyHost: true, HttpsAtLoadBalancer: true, SendsHsts: true));
        var servers = config.Split("server {").Skip(1).ToList();

        Assert.That(servers, Has.Count.EqualTo(2));
        var site = servers[1].Split('\n').Select(l => l.Trim()).ToList();
        Assert.That(site, Does.Contain("listen 80;"));
        Assert.That(site, Does.Contain("proxy_set_header X-Forwarded-Proto $http_x_forwarded_proto;"));
        Assert.That(servers[0], Does.Contain("proxy_set_header X-Forwarded-Proto https;"), "the ALB's check, over http, told the visitors' scheme: a site redirecting http to https still answers it 200");
        Assert.That(site, Does.Contain("add_header Strict-Transport-Security \"max-age=600\" always;"));
        Assert.That(config, Does.Not.Contain("ssl_").And.Not.Contain("443").And.Not.Contain("acme-challenge").And.Not.Contain("return 301"));
        Assert.That(SiteTemplates.NginxSite(Site(), new TlsSettings { Mode = TlsMode.Off, HstsMaxAgeSeconds = 0 }, Paths, 8001, servesTls: false,
            front: new NginxFront(true, true)), Does.Not.Contain("Strict-Transport-Security"));
    }

    [Test]
    public void OverHttpsPort80AnswersOnlyAcmeChallengesAndRedirects()
    {
        var site = Site();
        site.ExtraDomains = ["www.example.org"];
        var config = SiteTemplates.NginxSite(site, new TlsSettings { HstsMaxAgeSeconds = 31536000 }, Paths, 8001, servesTls: true);
        var servers = config.Split("server {").Skip(1).ToList();

        Assert.That(servers, Has.Count.EqualTo(4));
        Assert.That(servers[1], Does.Contain("listen 443 ssl http2 default_server;").And.Contain("ssl_reject_handshake on;"));
        var redirect = servers[2];
        Assert.That(redirect, Does.Contain("listen 80;").And.Contain("server_name coralnet.example.org www.example.org;")
            .And.Contain("location ^~ /.well-known/acme-challenge/ {").And.Contain("root /srv/www/coralnet/acme;")
            .And.Contain("return 301 https://$host$request_uri;").And.Not.Contain("proxy_pass"));
        var site443 = servers[3];
        var lines = site443.Split('\n').Select(l => l.Trim()).ToList();
        Assert.That(lines, Does.Contain("listen 443 ssl http2;"));
        Assert.That(lines, Does.Not.Contain("listen 80;"));
        Assert.That(lines, Does.Contain("server_name coralnet.example.org www.example.org;"));
        Assert.That(lines, Does.Contain("ssl_certificate /etc/letsencrypt/live/coralnet/fullchain.pem;"));
        Assert.That(lines, Does.Contain("ssl_certificate_key /etc/letsencrypt/live/coralnet/privkey.pem;"));
        Assert.That(lines, Does.Contain("ssl_protocols TLSv1.2 TLSv1.3;"));
        Assert.That(lines, Does.Contain("add_header Strict-Transport-Security \"max-age=31536000\" always;"));
        Assert.That(lines, Does.Contain("proxy_set_header X-Forwarded-Proto $scheme;"));
        Assert.That(lines, Does.Contain("proxy_pass http://127.0.0.1:8001;"));
        Assert.That(site443, Does.Not.Contain("acme-challenge"));
        Assert.That(config, Does.Not.Contain("{{"));
    }

    [Test]
    public void InAcmeModeWithoutACertificateTheSiteServesHttpAndAnswersChallenges()
    {
        var config = SiteTemplates.NginxSite(Site(), new TlsSettings(), Paths, 8001, servesTls: false);
        var servers = config.Split("server {").Skip(1).ToList();

        Assert.That(servers, Has.Count.EqualTo(2));
        Assert.That(servers[1], Does.Contain("listen 80;").And.Contain("location ^~ /.well-known/acme-challenge/ {").And.Contain("proxy_pass")
            .And.Not.Contain("ssl_").And.Not.Contain("Strict-Transport-Security").And.Not.Contain("return 301"));
    }

    [Test]
    public void FilesModeUsesTheInstalledFilesAndAnHstsMaxAgeOfZeroSendsNoHeader()
    {
        var config = SiteTemplates.NginxSite(Site(), new TlsSettings { Mode = TlsMode.Files, HstsMaxAgeSeconds = 0 }, Paths, 8001, servesTls: true);

        Assert.That(config, Does.Contain("ssl_certificate /etc/ssl/coralnet/fullchain.pem;").And.Contain("ssl_certificate_key /etc/ssl/private/coralnet.key;")
            .And.Not.Contain("Strict-Transport-Security").And.Not.Contain("acme-challenge").And.Contain("return 301 https://$host$request_uri;"));
        Assert.That(SiteTemplates.NginxSite(Site(), Off, Paths, 8001, servesTls: false), Does.Not.Contain("acme-challenge").And.Not.Contain("443"));
    }

    [Test]
    public void ProxyTimeoutFollowsGunicornsTimeout()
    {
        var site = Site();
        site.GunicornTimeoutSeconds = 130;

        Assert.That(SiteTemplates.NginxSite(site, Off, Paths, 8001, servesTls: false), Does.Contain("proxy_read_timeout 120s;"));
        Assert.That(SiteTemplates.GunicornService(site, Paths), Does.Contain("--timeout 130 "));
    }

    [Test]
    public void GunicornServiceRunsTheSlotsReleaseAsTheSitesOwnUserHardenedLoggingToTheJournal()
    {
        var unit = Keys(SiteTemplates.GunicornService(Site(), Paths));

        Assert.That(unit["Type"], Is.EqualTo(new[] { "notify" }));
        Assert.That(unit["User"], Is.EqualTo(new[] { "coralnet" }));
        Assert.That(unit["Group"], Is.EqualTo(new[] { "coralnet" }));
        foreach (var setting in new[] { "ProtectSystem=strict", "ProtectHome=true", "PrivateTmp=true", "PrivateDevices=true", "NoNewPrivileges=true", "RestrictSUIDSGID=true", "CapabilityBoundingSet=" })
        {
            var (key, value) = (setting.Split('=')[0], setting.Split('=')[1]);
            Assert.That(unit[key], Is.EqualTo(new[] { value }), key);
        }

        Assert.That(unit.ContainsKey("ReadWritePaths"), Is.False, "the site writes nothing on disk but its private /tmp");
        Assert.That(unit["Requires"], Is.EqualTo(new[] { "coralnet-gunicorn@%i.socket" }));
        Assert.That(unit["Before"], Is.EqualTo(new[] { "nginx.service" }), "stopped after nginx when the host shuts down");
        Assert.That(unit["EnvironmentFile"], Is.EqualTo(new[] { "/srv/www/coralnet/shared/env", "/srv/www/coralnet/slots/%i/.release/env" }));
        Assert.That(unit["WorkingDirectory"], Is.EqualTo(new[] { "/srv/www/coralnet/slots/%i/project" }));
        Assert.That(unit["ExecStart"], Is.EqualTo(new[]
        {
            "/srv/www/coralnet/slots/%i/venv/bin/python -m gunicorn --preload --workers 4 --timeout 604810 --graceful-timeout 30 --access-logfile - --error-logfile - config.wsgi:application",
        }));
        Assert.That(unit["StandardOutput"], Is.EqualTo(new[] { "journal" }));
        Assert.That(unit["StandardError"], Is.EqualTo(new[] { "journal" }));
        Assert.That(unit["TimeoutStopSec"], Is.EqualTo(new[] { "40" }));
        Assert.That(unit.ContainsKey("ExecReload"), Is.False, "no HUP: a new release always gets a fresh start");
    }

    [Test]
    public void GunicornSocketListensOnTheInstancesLoopbackPort()
    {
        var site = Site();
        site.GunicornPort = 9001;
        var text = SiteTemplates.GunicornSocket(site);
        var unit = Keys(text);

        Assert.That(unit["ListenStream"], Is.EqualTo(new[] { "127.0.0.1:%i" }));
        Assert.That(unit["WantedBy"], Is.EqualTo(new[] { "sockets.target" }));
        Assert.That(unit["Before"], Is.EqualTo(new[] { "nginx.service" }), "closed after nginx stops");
        Assert.That(text, Does.Contain("ports 9001 and 9002"));
        Assert.That(GunicornSlots.Ports(site), Is.EqualTo(new[] { 9001, 9002 }));
        Assert.That(GunicornSlots.Standby(site, serving: null), Is.EqualTo(9001));
        Assert.That(GunicornSlots.Standby(site, serving: 9001), Is.EqualTo(9002));
        Assert.That(GunicornSlots.Standby(site, serving: 9002), Is.EqualTo(9001));
    }

    [Test]
    public void EnvironmentFileReadsBackExactlyInShWithDebugOff()
    {
        var environment = new SiteEnvironment("coralnet", "django", new Secret("pa$$ \"word\" `x` \\ 'q'"), "10.213.0.3", 5432,
            new Secret("k3y-with-$HOME"), ["coralnet.example.org", "www.example.org"], "coralnet-bucket");
        var text = SiteTemplates.EnvironmentFile(Site(), environment);
        Assert.That(text.ToString(), Is.EqualTo(Secret.Mask));

        using var dir = new TempDirectory();
        var file = dir.Write("env", text.Reveal());
        var (code, output, _) = TempDirectory.RunSh(
            $"set -a; . {Shell.Quote(file)}; printf '%s|' \"$DATABASE_NAME\" \"$DATABASE_USER\" \"$DATABASE_PASSWORD\" \"$DATABASE_HOST\" \"$DATABASE_PORT\" \"$SECRET_KEY\" \"$ALLOWED_HOSTS\" \"$DEBUG\" \"$BUCKET_NAME\"");

        Assert.That(code, Is.Zero);
        Assert.That(output, Is.EqualTo("coralnet|django|pa$$ \"word\" `x` \\ 'q'|10.213.0.3|5432|k3y-with-$HOME|coralnet.example.org,www.example.org|0|coralnet-bucket|"));
    }

    [Test]
    public void OverHttpsTheEnvironmentAsksForSecureCookiesAndTrustsTheHttpsOrigins()
    {
        string Read(bool https)
        {
            var environment = new SiteEnvironment("coralnet", "django", new Secret("password-1"), "db", 5432, new Secret("secretkey"), ["coralnet.example.org", "www.example.org"], "", https);
            using var dir = new TempDirectory();
            var file = dir.Write("env", SiteTemplates.EnvironmentFile(Site(), environment).Reveal());
            var (code, output, _) = TempDirectory.RunSh($"set -a; . {Shell.Quote(file)}; printf '%s|' \"$SECURE_COOKIES\" \"$CSRF_TRUSTED_ORIGINS\"");
            Assert.That(code, Is.Zero);
            return output;
        }

        Assert.That(Read(https: true), Is.EqualTo("1|https://coralnet.example.org,https://www.example.org|"));
        Assert.That(Read(https: false), Is.EqualTo("0||"));
    }

    [Test]
    public void EnvironmentFileRefusesANewlineWithoutShowingTheValue()
    {
        var environment = new SiteEnvironment("coralnet", "django", new Secret("line1\nline2"), "db", 5432, new Secret("secretkey"), ["a"], "");

        Assert.That(() => SiteTemplates.EnvironmentFile(Site(), environment),
            Throws.InvalidOperationException.With.Message.Contains("DATABASE_PASSWORD").And.Message.Not.Contains("line1"));
    }

    /// <summary>A unit file's settings: key to values, in order.</summary>
    private static Dictionary<string, List<string>> Keys(string unit)
    {
        var keys = new Dictionary<string, List<string>>();
        foreach (var line in unit.Split('\n').Where(l => l.Contains('=') && !l.StartsWith('#')))
        {
            var at = line.IndexOf('=');
            var key = line[..at];
            if (!keys.TryGetValue(key, out var values))
            {
                keys[key] = values = [];
            }

            values.Add(line[(at + 1)..]);
        }

        return keys;
    }
}
