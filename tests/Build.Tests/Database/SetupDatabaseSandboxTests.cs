using CoralNet.Deploy.Database;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.Logging;

namespace CoralNet.Deploy.Tests.Database;

/// <summary>
/// SetupDatabase on the sandbox's web1 and db1 (PostgreSQL 15 standing in for RDS), booted fresh for
/// the fixture: everything goes through an SSH tunnel over web1, as in production.
/// </summary>
public class SetupDatabaseSandboxTests : SandboxFixture
{
    private SshConnectionPool _pool = null!;
    private SshTarget _web = null!;
    private DatabaseEndpoint _endpoint = null!;
    private readonly CapturingLoggerFactory _npgsqlLog = new();

    protected override IReadOnlyDictionary<string, string> Overrides { get; } = new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1" };

    /// <summary>Fresh hosts: a role or database left by an earlier run would hide a first-run mistake.</summary>
    protected override bool FreshHosts => true;

    [OneTimeSetUp]
    public void Connect()
    {
        var options = SshOptions.From(Settings, SandboxHosts.RepositoryRoot, null);
        _pool = new SshConnectionPool(options, new HostKeyVerifier(options.KnownHostsFile, false));
        _web = new SandboxHostInventory(Settings).WebHosts()[0];
        _endpoint = DatabaseEndpoint.For(Settings, null);
    }

    [OneTimeTearDown]
    public async Task Close()
    {
        await _pool.DisposeAsync();
        _npgsqlLog.Dispose();
    }

    private DatabaseSetupRequest Request() => DatabaseSetupRequest.From(Settings.Database, Secrets);

    private async Task<T> WithConnector<T>(Func<DatabaseConnector, Task<T>> use)
    {
        using var tunnel = new DatabaseTunnel(await _pool.GetConnectedAsync(_web), _endpoint);
        Assert.That(tunnel.LocalAddress, Is.EqualTo("127.0.0.1"));
        Assert.That(tunnel.LocalPort, Is.GreaterThan(0));
        var connector = new DatabaseConnector(tunnel, _endpoint, _web.ToString(), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60), _npgsqlLog);
        return await use(connector);
    }

    private async Task<IReadOnlyList<DatabaseItem>> SetupAsync(DatabaseSetupRequest request) =>
        (await WithConnector(connector => DatabaseSetup.RunAsync(connector, request))).Items;

    private static int Changed(IReadOnlyList<DatabaseItem> items) => items.Count(i => i.Status == ItemStatus.Changed);

    [Test, Order(1)]
    public async Task The_first_run_creates_the_role_and_database_owned_by_the_role_and_the_second_changes_nothing()
    {
        var request = Request();
        var first = await SetupAsync(request);
        TestContext.Progress.WriteLine(string.Join(Environment.NewLine, first));
        Assert.That(first.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Item), Is.SupersetOf(new[] { "role django", "database coralnet", "owner of schema coralnet.public" }));

        // The site's own view: it logs in through the tunnel with its password and owns the database and schema.
        var (whoAmI, databaseOwner, schemaOwner) = await WithConnector(async connector =>
        {
            await using var session = await connector.OpenAsync(request.User, request.Password, request.Database);
            await session.ExecuteAsync(new SqlStatement("CREATE TABLE proof (id int)"));
            await session.ExecuteAsync(new SqlStatement("DROP TABLE proof"));
            return (
                await session.ScalarAsync(new SqlStatement("SELECT current_user::text")),
                await session.ScalarAsync(new SqlStatement("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = current_database()")),
                await session.ScalarAsync(DatabaseSql.PublicSchemaOwner()));
        });
        Assert.That((whoAmI, databaseOwner, schemaOwner), Is.EqualTo(((object)"django", (object)"django", (object)"django")));

        var second = await SetupAsync(request);
        Assert.That(Changed(second), Is.Zero, () => "changed again: " + string.Join("; ", second));
        Assert.That(second.Select(i => i.Item), Does.Contain("password of role django"));
    }

    [Test, Order(2)]
    public async Task A_password_changed_behind_its_back_is_set_again_and_works()
    {
        var request = Request();
        await WithConnector(async connector =>
        {
            await using var master = await connector.OpenAsync(request.MasterUser, request.MasterPassword, DatabaseSql.MaintenanceDatabase);
            await master.ExecuteAsync(DatabaseSql.SetPassword(request.User, ScramVerifier.Compute("someone-else-set-this")));
            return 0;
        });

        var items = await SetupAsync(request);

        Assert.That(items.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Item), Is.EqualTo(new[] { "password of role django" }));
        Assert.That(Changed(await SetupAsync(request)), Is.Zero);
    }

    /// <summary>The sandbox's postgres is a superuser; RDS's master user is not: it must join the role to hand it ownership.</summary>
    [Test, Order(3)]
    public async Task A_master_user_that_is_not_a_superuser_as_on_RDS_gets_there_too()
    {
        var rdsLike = new DatabaseSetupRequest("rds_site", "rds_django", new Secret("rds-django-password-1"), "rds_master", new Secret("rds-master-password-1"));
        var superuser = Request();
        await WithConnector(async connector =>
        {
            await using var master = await connector.OpenAsync(superuser.MasterUser, superuser.MasterPassword, DatabaseSql.MaintenanceDatabase);
            await master.ExecuteAsync(new SqlStatement("CREATE ROLE rds_master LOGIN CREATEDB CREATEROLE NOSUPERUSER PASSWORD " + PgSql.Literal(ScramVerifier.Compute("rds-master-password-1"))));
            return 0;
        });

        var first = await SetupAsync(rdsLike);
        var second = await SetupAsync(rdsLike);

        Assert.That(first.Where(i => i.Status == ItemStatus.Changed).Select(i => i.Item), Does.Contain("rds_master member of rds_django").And.Contain("owner of schema rds_site.public"));
        Assert.That(Changed(second), Is.Zero, () => "changed again: " + string.Join("; ", second));
    }

    [Test, Order(4)]
    public async Task A_database_already_set_up_is_proven_by_the_sites_own_login_without_the_master_user()
    {
        // The master password is wrong: a run that needed the master session would fail.
        var items = await SetupAsync(Request() with { MasterPassword = new Secret("wrong-master-password-0451") });

        Assert.That(Changed(items), Is.Zero, () => string.Join("; ", items));
        Assert.That(items.Select(i => i.Item), Is.SupersetOf(new[] { "role django", "owner of database coralnet", "owner of schema coralnet.public", "password of role django" }));
    }

    /// <summary>Migrate decides with these: the same MD5 as the host's psycopg2 query, null without Django's table.</summary>
    [Test, Order(4)]
    public async Task The_sites_login_reads_the_migrations_django_applied()
    {
        var rdsLike = new DatabaseSetupRequest("rds_site", "rds_django", new Secret("rds-django-password-1"), "rds_master", new Secret("rds-master-password-1"));
        async Task<string?> AppliedAsync() => (await WithConnector(connector => DatabaseSetup.RunAsync(connector, rdsLike))).AppliedMigrations;
        async Task SiteSqlAsync(string sql) => await WithConnector(async connector =>
        {
            await using var site = await connector.OpenAsync(rdsLike.User, rdsLike.Password, rdsLike.Database);
            await site.ExecuteAsync(new SqlStatement(sql));
            return 0;
        });

        Assert.That(await AppliedAsync(), Is.Null, "no django_migrations table");
        await SiteSqlAsync("CREATE TABLE django_migrations (id serial PRIMARY KEY, app varchar(255) NOT NULL, name varchar(255) NOT NULL, applied timestamptz NOT NULL DEFAULT now())");
        Assert.That(await AppliedAsync(), Is.Null, "none applied");
        await SiteSqlAsync("INSERT INTO django_migrations (app, name) VALUES ('status', '0002_more'), ('auth', '0001_initial'), ('status', '0001_initial')");

        var expected = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData("auth 0001_initial,status 0001_initial,status 0002_more"u8.ToArray()));
        Assert.That(await AppliedAsync(), Is.EqualTo(expected));
        await SiteSqlAsync("DROP TABLE django_migrations");
    }

    [Test, Order(5)]
    public void A_wrong_master_password_names_the_host_and_user_and_not_the_password()
    {
        const string wrong = "wrong-master-password-0451";
        // A role that does not exist yet: the setup needs the master user to make it.
        var request = Request() with { User = "django_not_yet", MasterPassword = new Secret(wrong) };

        var error = Assert.ThrowsAsync<DatabaseSetupException>(() => SetupAsync(request))!;

        Assert.That(error.Message, Does.Contain("db1").And.Contain("web1").And.Contain("user postgres").And.Contain("password authentication failed"));
        Assert.That(error.Message, Does.Not.Contain(wrong).And.Not.Contain(Request().MasterPassword.Reveal()));
    }

    [Test, Order(6)]
    public void Npgsqls_own_log_at_trace_level_holds_no_password()
    {
        Assert.That(_npgsqlLog.Text, Is.Not.Empty, "Npgsql logged nothing: the capture is not wired");
        foreach (var secret in SecretValues().Append("wrong-master-password-0451"))
        {
            Assert.That(_npgsqlLog.Text, Does.Not.Contain(secret));
        }
    }

    [Test, Order(7)]
    public void The_SetupDatabase_task_reports_ok_and_prints_no_secret_at_diagnostic_verbosity()
    {
        var (exitCode, output) = SuiteRun.Run(SandboxHosts.RepositoryRoot, "--target=SetupDatabase", "--verbosity=diagnostic", "--sandbox_webhosts=web1");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Match(@"\ndatabase +: ok=[1-9]\d* +changed=0 +failed=0\n").And.Contain("through an SSH tunnel over web1"), "the recap counts the database's items");
        foreach (var secret in SecretValues())
        {
            Assert.That(output, Does.Not.Contain(secret));
        }
    }

    private IEnumerable<string> SecretValues() =>
        new[] { Settings.Database.Password, Settings.Database.MasterPassword, Settings.Site.SecretKey }.Select(r => Secrets.Get(r).Reveal());

    /// <summary>Keeps every message Npgsql logs, at every level.</summary>
    private sealed class CapturingLoggerFactory : ILoggerFactory, ILogger
    {
        private readonly System.Text.StringBuilder _text = new();

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public ILogger CreateLogger(string categoryName) => this;

        public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            lock (_text)
            {
                _text.AppendLine($"{logLevel}: {formatter(state, exception)} {exception}");
            }
        }

        public void Dispose()
        {
        }
    }
}
