using System.Net;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

// Mirror names here are reserved, never-resolving ones (.invalid): no real mirror is named in the repository.
public sealed class AptSourcesTests
{
    [Test]
    public void One_line_sources_skip_comments_deb_src_and_options()
    {
        var sources = AptSources.ParseOneLine("""
            # a comment
            deb http://mirror.invalid/debian/ bookworm main contrib
            deb-src http://mirror.invalid/debian bookworm main
            deb [arch=amd64 signed-by=/usr/share/keyrings/x.gpg] http://security.invalid/debian-security bookworm-security main # trailing
            deb broken
            """).ToList();

        Assert.That(sources, Has.Count.EqualTo(2));
        Assert.That(sources[0].Uri, Is.EqualTo("http://mirror.invalid/debian"));
        Assert.That(sources[0].Suites, Is.EqualTo(new[] { "bookworm" }));
        Assert.That(sources[0].Components, Is.EqualTo(new[] { "main", "contrib" }));
        Assert.That(sources[1].Uri, Is.EqualTo("http://security.invalid/debian-security"));
        Assert.That(sources[1].Suites, Is.EqualTo(new[] { "bookworm-security" }));
    }

    [Test]
    public void Deb822_stanzas_give_one_source_per_URI_and_honour_Enabled_no()
    {
        var sources = AptSources.ParseDeb822("""
            Types: deb deb-src
            # http://archive.invalid/comment
            URIs: http://mirror.invalid/debian http://other.invalid/debian
            Suites: bookworm bookworm-updates
            Components: main
            Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

            Types: deb
            URIs: http://disabled.invalid/debian
            Suites: bookworm
            Components: main
            Enabled: no

            Types: deb-src
            URIs: http://source-only.invalid/debian
            Suites: bookworm
            Components: main
            """).ToList();

        Assert.That(sources.Select(s => s.Uri), Is.EqualTo(new[] { "http://mirror.invalid/debian", "http://other.invalid/debian" }));
        Assert.That(sources[0].Suites, Is.EqualTo(new[] { "bookworm", "bookworm-updates" }));
        Assert.That(sources[0].Components, Is.EqualTo(new[] { "main" }));
    }

    [Test]
    public void Only_plain_HTTP_sources_of_the_release_are_kept()
    {
        AptSource[] all =
        [
            new("http://mirror.invalid/debian", ["bookworm", "bookworm-updates", "trixie"], ["main"]),
            new("https://tls.invalid/debian", ["bookworm"], ["main"]),
            new("http://vendor.invalid/apt", ["cloud-sdk-bookworm"], ["main"]),
        ];

        var kept = AptSources.ForRelease(all, "bookworm");

        Assert.That(kept, Has.Count.EqualTo(1));
        Assert.That(kept[0].Suites, Is.EqualTo(new[] { "bookworm", "bookworm-updates" }));
    }

    [Test]
    public void This_machines_sources_are_read_from_a_folder_in_both_formats()
    {
        var folder = Directory.CreateTempSubdirectory("apt-sources-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(folder, "sources.list"), "deb http://one.invalid/debian bookworm main\n");
            Directory.CreateDirectory(Path.Combine(folder, "sources.list.d"));
            File.WriteAllText(Path.Combine(folder, "sources.list.d", "two.sources"), "Types: deb\nURIs: http://two.invalid/debian\nSuites: bookworm\nComponents: main\n");
            File.WriteAllText(Path.Combine(folder, "sources.list.d", "three.list.disabled"), "deb http://three.invalid/debian bookworm main\n");

            var uris = AptSources.ReadMachine(folder).Select(s => s.Uri);

            Assert.That(uris, Is.EqualTo(new[] { "http://one.invalid/debian", "http://two.invalid/debian" }));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Test]
    public void The_proxy_serves_only_the_machines_mirrors_on_loopback_and_the_bridge()
    {
        AptSource[] sources =
        [
            new("http://mirror.invalid/debian", ["bookworm", "bookworm-updates"], ["main"]),
            new("http://security.invalid/debian-security", ["bookworm-security"], ["main"]),
            new("http://mirror.invalid/debian", ["bookworm-backports"], ["main"]),
        ];

        var configuration = ProxyConfiguration.Render(sources, IPAddress.Parse("10.213.0.1"), new SandboxLayout("/state", "/state/id_ed25519", "/state/known_hosts"));

        Assert.That(configuration, Does.Contain("BindAddress: 127.0.0.1 10.213.0.1\n"));
        Assert.That(configuration, Does.Contain("ForceManaged: 1\n"));
        Assert.That(configuration, Does.Contain("Remap-sandbox0: http://mirror.invalid/debian /sandbox0 ; http://mirror.invalid/debian\n"));
        Assert.That(configuration, Does.Contain("Remap-sandbox1: http://security.invalid/debian-security /sandbox1 ; http://security.invalid/debian-security\n"));
        Assert.That(configuration, Does.Not.Contain("Remap-sandbox2"));
    }

    [Test]
    public void A_machine_without_usable_mirrors_gets_a_clear_error()
    {
        var error = Assert.Throws<SandboxException>(() => ProxyConfiguration.Render([], IPAddress.Parse("10.213.0.1"), new SandboxLayout("/state", "/state/id_ed25519", "/state/known_hosts")));
        Assert.That(error!.Message, Does.Contain("/etc/apt/sources.list"));
    }

    [Test]
    public void Hosts_get_the_machines_sources_and_a_proxy_setting_pointing_at_the_bridge()
    {
        var list = BaseImage.SourcesList([new AptSource("http://mirror.invalid/debian", ["bookworm", "bookworm-updates"], [])]);

        Assert.That(list, Is.EqualTo("deb http://mirror.invalid/debian bookworm main\ndeb http://mirror.invalid/debian bookworm-updates main\n"));
        Assert.That(ProxyConfiguration.AptClient(IPAddress.Parse("10.213.0.1")), Does.Contain("Acquire::http::Proxy \"http://10.213.0.1:3142/\";"));
    }
}
