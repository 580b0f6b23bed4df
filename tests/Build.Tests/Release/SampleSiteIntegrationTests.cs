using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The sample site uploaded with the release scripts into a temporary root, its venv, environment
/// file, migrations and static files made by the same scripts, then served by gunicorn on loopback
/// against a PostgreSQL cluster of its own (pg_ctl as the postgres user, on a free loopback port).
/// Needs root and Debian's postgresql, python3-django, python3-psycopg2, gunicorn and python3-venv.
/// </summary>
[Category("Integration")]
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SampleSiteIntegrationTests
{
    private const string PostgresBin = "/usr/lib/postgresql/15/bin";
    private const string Host = "coralnet.test";

    [Test]
    public async Task SampleSiteServesItsPageAndHealthWithTheReleaseIdAndTheDatabaseAnswering()
    {
        if (Environment.UserName != "root" || !File.Exists(PostgresBin + "/pg_ctl") || !File.Exists("/usr/lib/python3/dist-packages/gunicorn/__main__.py"))
        {
            Assert.Fail("needs root, postgresql 15 and gunicorn: ./build.sh --target=Test installs them (apt-get install postgresql python3-django python3-psycopg2 gunicorn python3-venv)");
        }

        var work = Directory.CreateTempSubdirectory("release-it-").FullName;
        File.SetUnixFileMode(work, (UnixFileMode)Convert.ToInt32("755", 8));
        var databasePort = FreePort();
        var cluster = Path.Combine(work, "pg");
        Process? gunicorn = null;
        try
        {
            Sh($"mkdir {cluster} && printf %s master-password-1 > {cluster}/pw && chown -R postgres {cluster} && runuser -u postgres -- {PostgresBin}/initdb -D {cluster}/data -A scram-sha-256 --pwfile={cluster}/pw -U postgres >/dev/null && rm {cluster}/pw");
            Sh($"runuser -u postgres -- {PostgresBin}/pg_ctl -D {cluster}/data -o \"-c listen_addresses=127.0.0.1 -p {databasePort} -k {cluster}\" -l {cluster}/log -w start");
            Sh($"PGPASSWORD=master-password-1 {PostgresBin}/psql -h 127.0.0.1 -p {databasePort} -U postgres -v ON_ERROR_STOP=1 -c \"CREATE ROLE django LOGIN PASSWORD 'django-password-1'\" -c 'CREATE DATABASE coralnet OWNER django'");

            // The site's user here is nobody (this machine has no coralnet user): manage.py and pip run as it.
            var commands = new ReleaseCommands(new ReleasePaths(Path.Combine(work, "srv"), "coralnet") { SiteUser = "nobody", SiteGroup = "nogroup" });
            var sample = Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../samples/site");
            var snapshot = SiteSnapshot.Take(sample);
            var madeAt = DateTimeOffset.UtcNow;
            var id = ReleaseId.Create(madeAt, snapshot.Manifest);
            var diff = snapshot.Manifest.CompareWith(null);
            var key = MigrationStamp.Key(snapshot.Manifest, []);
            var site = new SiteSettings { Name = "coralnet", Domain = Host };
            var environment = new SiteEnvironment("coralnet", "django", new Secret("django-password-1"), "127.0.0.1", databasePort,
                new Secret("a-secret-key-for-the-integration-test"), [Host], "coralnet-test-bucket");
            var steps = new[] { commands.Upload(id, null, diff, snapshot.Manifest.ContentHash(), s => ReleaseTar.Write(s, snapshot, id, diff, madeAt)) }
                .Append(commands.Install.InstallRequirements(id, snapshot.Manifest.Find("requirements.txt")!.Sha256))
                .Append(commands.Files.WriteEnvironmentFile(new CommandInput.SecretText(SiteTemplates.EnvironmentFile(site, environment))))
                .Append(commands.Install.Migrate(id, key))
                .Append(commands.Install.CollectStatic(id, previousId: null))
                .Append(commands.Cutover.SwitchCurrent(id));
            foreach (var step in steps)
            {
                Run(step);
            }

            Assert.That(Run(commands.Install.Migrate(id, key)), Is.EqualTo(RemoteCommand.Ok), "a second migrate changes nothing");

            // What the suite reads to leave migrate unsent: the stamp holds this key, the release's venv, the
            // address and the migrations that the database (asked as SetupDatabase asks it) has applied.
            var applied = Sh($"PGPASSWORD=django-password-1 {PostgresBin}/psql -h 127.0.0.1 -p {databasePort} -U django -d coralnet -tA -c {Shell.Quote(CoralNet.Deploy.Database.DatabaseSql.AppliedMigrationsText)}");
            var state = MigrationStamp.Parse(Output(commands.Install.MigrateState(id, "coralnet")));
            Assert.That(state?.RanOn, Does.Contain("/shared/venvs/py3."));
            Assert.That(MigrationStamp.Unchanged(state, key, $"127.0.0.1:{databasePort}", applied), Is.True, $"stamp {state}, applied {applied}");
            Assert.That(MigrationStamp.Unchanged(state, key, $"127.0.0.1:{databasePort}", "0123456789abcdef0123456789abcdef"), Is.False, "other applied migrations");
            Assert.That(MigrationStamp.Unchanged(state, key, $"127.0.0.1:{databasePort}", null), Is.False, "applied migrations not read");
            Assert.That(MigrationStamp.Unchanged(state, MigrationStamp.Key(snapshot.Manifest, ["python3-pil"]), $"127.0.0.1:{databasePort}", applied), Is.False, "another key");
            Assert.That(MigrationStamp.Parse(Output(commands.Install.MigrateState(id, "another_database"))), Is.EqualTo(new MigrationStamp.State(state!.RanOn, "")), "no stamp for a database never migrated");
            Assert.That(Run(commands.Install.CollectStatic(id, previousId: null)), Is.EqualTo(RemoteCommand.Ok), "a second collectstatic changes nothing");

            // The next release, with no migration, static source or requirement changed: migrate is
            // skipped and the collected files are linked; a fresh database is still migrated.
            var next = ReleaseId.Create(madeAt.AddHours(1), snapshot.Manifest);
            var same = snapshot.Manifest.CompareWith(snapshot.Manifest);
            Run(commands.Upload(next, id, same, snapshot.Manifest.ContentHash(), s => ReleaseTar.Write(s, snapshot, next, same, madeAt.AddHours(1))));
            Run(commands.Install.InstallRequirements(next, snapshot.Manifest.Find("requirements.txt")!.Sha256));
            Assert.That(Run(commands.Install.Migrate(next, key)), Is.EqualTo(RemoteCommand.Ok), "no migration changed: skipped");
            Assert.That(Run(commands.Install.CollectStatic(next, id)), Is.EqualTo(RemoteCommand.Changed));
            Assert.That(Inode(Path.Combine(commands.Paths.Release(next), "static/status/site.css")), Is.EqualTo(Inode(Path.Combine(commands.Paths.Release(id), "static/status/site.css"))), "collected files linked from the previous release");
            Assert.That(Run(commands.Install.CollectStatic(next, id)), Is.EqualTo(RemoteCommand.Ok));
            Sh($"PGPASSWORD=master-password-1 {PostgresBin}/psql -h 127.0.0.1 -p {databasePort} -U postgres -v ON_ERROR_STOP=1 -c 'DROP DATABASE coralnet' -c 'CREATE DATABASE coralnet OWNER django'");
            Assert.That(Run(commands.Install.Migrate(next, key)), Is.EqualTo(RemoteCommand.Changed), "a fresh database is migrated");
            Assert.That(Sh($"PGPASSWORD=master-password-1 {PostgresBin}/psql -h 127.0.0.1 -p {databasePort} -U postgres -d coralnet -tA -c 'SELECT count(*) > 0 FROM django_migrations'"), Is.EqualTo("t"));
            Assert.That(Run(commands.Install.Migrate(next, key)), Is.EqualTo(RemoteCommand.Ok));
            Assert.That(Run(commands.Install.InstallRequirements(id, snapshot.Manifest.Find("requirements.txt")!.Sha256)), Is.EqualTo(RemoteCommand.Ok), "the venv is reused");
            Assert.That(Run(commands.Files.WriteEnvironmentFile(new CommandInput.SecretText(SiteTemplates.EnvironmentFile(site, environment)))), Is.EqualTo(RemoteCommand.Ok));

            var webPort = FreePort();
            var current = commands.Paths.Current;
            gunicorn = Process.Start(new ProcessStartInfo("sh", ["-c",
                $"set -a; . {commands.Paths.EnvironmentFile}; . {current}/.release/env; set +a; cd {current}/project && exec ../venv/bin/python -m gunicorn --bind 127.0.0.1:{webPort} --workers 1 config.wsgi:application"])
            {
                RedirectStandardError = true,
            })!;

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var health = await GetWhenUp(http, $"http://127.0.0.1:{webPort}/health/");
            Assert.That(health.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(await health.Content.ReadAsStringAsync(), Is.EqualTo(id + "\n"));

            var page = await http.SendAsync(Request($"http://127.0.0.1:{webPort}/"));
            var html = await page.Content.ReadAsStringAsync();
            Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(html, Does.Contain($"<code id=\"release\">{id}</code>").And.Contain("Database: answering").And.Contain("/static/status/site.css"));
            Assert.That(File.Exists(Path.Combine(current, "static/status/site.css")), Is.True, "collectstatic wrote into the release");
            Assert.That(Sh($"find {commands.Paths.Site} -path {commands.Paths.State} -prune -o ! -type l ! -user root -print"), Is.Empty, "what the site's user wrote (venv, static files) is root's now");
            Assert.That(Sh($"stat -c '%U:%G %a' {commands.Paths.EnvironmentFile} {commands.Paths.State}"), Is.EqualTo("root:nogroup 640\nnobody:nogroup 700"));
            Assert.That(TempDirectory.RunSh($"runuser -u nobody -- touch {current}/project/manage.py").Code, Is.Not.Zero, "the site's user cannot write its code");

            var unknown = await http.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{webPort}/health/") { Headers = { Host = "elsewhere.test" } });
            Assert.That(unknown.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), "ALLOWED_HOSTS from the environment file");
        }
        finally
        {
            if (gunicorn is { HasExited: false })
            {
                gunicorn.Kill(entireProcessTree: true);
                await gunicorn.WaitForExitAsync();
            }

            if (Directory.Exists(Path.Combine(cluster, "data")))
            {
                TempDirectory.RunSh($"runuser -u postgres -- {PostgresBin}/pg_ctl -D {cluster}/data -m fast -w stop");
            }

            Directory.Delete(work, recursive: true);
        }
    }

    private static HttpRequestMessage Request(string url) => new(HttpMethod.Get, url) { Headers = { Host = Host } };

    private static async Task<HttpResponseMessage> GetWhenUp(HttpClient http, string url)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await http.SendAsync(Request(url));
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(200);
            }
        }
    }

    private static string Run(RemoteCommand command) => RemoteCommand.ReportsChange(Output(command)) ? RemoteCommand.Changed : RemoteCommand.Ok;

    private static string Output(RemoteCommand command)
    {
        var (code, output, errors) = TempDirectory.RunSh(command.Script, command.Input.WriteTo);
        Assert.That(code, Is.Zero, $"{command.Summary}: {output}{errors}");
        return output;
    }

    private static string Sh(string script)
    {
        var (code, output, errors) = TempDirectory.RunSh(script);
        Assert.That(code, Is.Zero, $"{script}: {output}{errors}");
        return output.Trim();
    }

    private static string Inode(string path) => Sh($"stat -c %i {Shell.Quote(path)}");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
