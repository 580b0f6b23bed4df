using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Settings;

public sealed class SettingsLoaderTests
{
    private static readonly Dictionary<string, string> Variables = new()
    {
        ["TEST_SECRET_KEY"] = "django-secret-value-1",
        ["TEST_DB_PASSWORD"] = "database-password-2",
        ["TEST_DB_MASTER"] = "database-master-3",
    };

    private static (DeploySettings, SecretStore) Load(TemporaryRepository repository, string environment = "sandbox", Func<string, string?>? overrides = null, SecretRedactor? redactor = null) =>
        SettingsLoader.Load(repository.Root, environment, overrides ?? (_ => null), name => Variables.GetValueOrDefault(name), redactor ?? new SecretRedactor());

    [Test]
    public void TheShippedSandboxEnvironmentIsCompleteAsItIs()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (settings, secrets) = Load(repository);

        Assert.That(settings.Provider, Is.EqualTo(ProviderKind.Sandbox));
        Assert.That(settings.Sandbox.WebHosts, Is.EqualTo(new[] { "web1" }));
        Assert.That(secrets.Get(settings.Database.Password).Reveal(), Has.Length.EqualTo(40));
    }

    [Test]
    public void ASectionTheFileLeavesOutStillTakesOverrides()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (settings, _) = Load(repository, overrides: key => key == "Timeouts_HealthCheckSeconds" ? "10" : null);

        Assert.That(settings.Timeouts.HealthCheckSeconds, Is.EqualTo(10));
        Assert.That(settings.Timeouts.ConnectSeconds, Is.EqualTo(new TimeoutSettings().ConnectSeconds), "the other values keep their defaults");
    }

    [Test]
    public void TheShippedProductionExampleListsWhatToFillIn()
    {
        using var repository = new TemporaryRepository();
        File.Copy(Path.Combine(SuiteRun.RepositoryRoot, "environments", "production.json"), Path.Combine(repository.Root, "environments", "production.json"));

        var problems = Assert.Throws<SettingsException>(() => Load(repository, "production"))!.Problems;

        Assert.That(problems, Has.Some.StartsWith("Aws.Region: still the placeholder"));
        Assert.That(problems, Has.Some.StartsWith("Site.Domain: still the placeholder"));
        Assert.That(problems, Has.None.StartsWith("Site.Domain: '"), "a placeholder is reported once, not again as invalid");
    }

    [Test]
    public void EveryProblemIsListedInOneError()
    {
        using var repository = new TemporaryRepository().WithEnvironment("broken", """
            {
              "Provider": "sandbox",
              "Site": { "Domain": "Not A Domain", "Workers": "many", "Colour": "blue", "SecretKey": "env:UNSET_VARIABLE" },
              "Sandbox": { "Subnet": "10.0.0.0/16", "WebHosts": ["web1", "web1"] },
              "Database": { "Password": "hunter2hunter2", "MasterPassword": "env:TEST_DB_MASTER" },
              "People": [ { "Login": "alice", "Keys": [] }, { "Login": "Bob!", "Keys": ["ssh-ed25519 not-base64"] } ]
            }
            """);

        var exception = Assert.Throws<SettingsException>(() => Load(repository, "broken"))!;

        Assert.That(exception.Problems, Has.Some.StartsWith("Site.Domain: 'Not A Domain' is not a domain name"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Site.Workers: 'many' is not a whole number"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Site.Colour: unknown setting"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Site.SecretKey: the environment variable UNSET_VARIABLE is not set"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Sandbox.Subnet: '10.0.0.0/16' must be a private IPv4 /24"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Sandbox: host name 'web1' is used twice"));
        Assert.That(exception.Problems, Has.Some.StartsWith("Database.Password: a secret is written as env:VARIABLE"));
        Assert.That(exception.Problems, Has.Some.StartsWith("People[0].Keys: alice has no public key"));
        Assert.That(exception.Problems, Has.Some.StartsWith("People[1].Login: 'Bob!' is not a login name"));
        Assert.That(exception.Problems, Has.Some.StartsWith("People[1].Keys[0]: the ssh-ed25519 key's data is not valid base64"));
        Assert.That(exception.Message, Does.Not.Contain("hunter2hunter2"), "a secret written in place is not echoed back");
        Assert.That(exception.Message, Does.Contain("12 problem(s)"));
    }

    [TestCase("/", "Site.Root")]
    [TestCase("/etc", "Site.Root")]
    [TestCase("/srv", "Site.Root")]
    [TestCase("/srv/www/../../etc", "Site.Root")]
    [TestCase("/srv/my site", "Site.Root")]
    [TestCase("/srv/www;evil", "Site.Root")]
    public void UnsafeSiteRootsAreRefused(string root, string path)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string> { ["Site_Root"] = root };

        Assert.That(() => Load(repository, overrides: key => overrides.GetValueOrDefault(key)),
            Throws.TypeOf<SettingsException>().With.Message.Contains(path + ": '" + root + "'"));
    }

    [Test]
    public void AValueEndingInANewlineIsRefused()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string> { ["Site_Name"] = "coralnet\n", ["Ssh_User"] = "root\n" };

        var problems = Assert.Throws<SettingsException>(() => Load(repository, overrides: key => overrides.GetValueOrDefault(key)))!.Problems;

        Assert.That(problems, Has.Some.StartsWith("Site.Name:").And.Some.StartsWith("Ssh.User:"));
    }

    [Test]
    public void TheSandboxKeepsItsKeysInItsOwnFolder()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string> { ["Ssh_KnownHosts"] = "/root/.ssh/known_hosts" };

        Assert.That(() => Load(repository, overrides: key => overrides.GetValueOrDefault(key)),
            Throws.TypeOf<SettingsException>().With.Message.Contains("Ssh.KnownHosts: '/root/.ssh/known_hosts' must be inside Sandbox.StateDirectory"));
    }

    [Test]
    public void OverridesReplaceSingleValuesAndAreValidatedToo()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var overrides = new Dictionary<string, string> { ["Site_Workers"] = "5", ["Sandbox_WebHosts"] = "web1, web2 ,web3", ["Tls_Mode"] = "off" };

        var (settings, _) = Load(repository, overrides: key => overrides.GetValueOrDefault(key));

        Assert.That(settings.Site.Workers, Is.EqualTo(5));
        Assert.That(settings.Sandbox.WebHosts, Is.EqualTo(new[] { "web1", "web2", "web3" }));

        overrides["Site_Workers"] = "0";
        Assert.That(() => Load(repository, overrides: key => overrides.GetValueOrDefault(key)),
            Throws.TypeOf<SettingsException>().With.Message.Contains("Site.Workers: 0 is outside 1..64"));
    }

    [Test]
    public void UnknownEnvironmentNamesTheOnesThereAre()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        Assert.That(() => Load(repository, "staging"),
            Throws.TypeOf<SettingsException>().With.Message.Contains("no environments/staging.json").And.Message.Contains("sandbox"));
    }

    [Test]
    public void EnvironmentSecretsResolveAndAreRegisteredForRedaction()
    {
        using var repository = new TemporaryRepository().WithEnvironment("sandbox", """
            { "Provider": "sandbox", "Site": { "Domain": "example.org", "SecretKey": "env:TEST_SECRET_KEY" },
              "Database": { "Password": "env:TEST_DB_PASSWORD", "MasterPassword": "env:TEST_DB_MASTER" } }
            """);
        var redactor = new SecretRedactor();

        var (settings, secrets) = Load(repository, redactor: redactor);

        Assert.That(secrets.Get(settings.Site.SecretKey).Reveal(), Is.EqualTo("django-secret-value-1"));
        Assert.That(secrets.Get(settings.Site.SecretKey).ToString(), Is.EqualTo("***"));
        Assert.That(redactor.Redact("key=django-secret-value-1 pw=database-password-2"), Is.EqualTo("key=*** pw=***"));
    }

    [Test]
    public void GeneratedSecretsAreMadeOnceAndKeptPrivate()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (settings, first) = Load(repository);
        var (_, second) = Load(repository);

        var file = Path.Combine(repository.Root, ".sandbox", "secrets", "database-password");
        Assert.That(File.GetUnixFileMode(file), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite));
        Assert.That(second.Get(settings.Database.Password).Reveal(), Is.EqualTo(first.Get(settings.Database.Password).Reveal()));
        Assert.That(first.Get(settings.Database.Password).Reveal(), Is.Not.EqualTo(first.Get(settings.Database.MasterPassword).Reveal()));
    }

    [Test]
    public void GeneratedSecretsAreRefusedOutsideTheSandbox()
    {
        using var repository = new TemporaryRepository();
        File.Copy(Path.Combine(SuiteRun.RepositoryRoot, "environments", "production.json"), Path.Combine(repository.Root, "environments", "production.json"));

        var overrides = new Dictionary<string, string> { ["Database_Password"] = "generated:database-password" };
        Assert.That(() => Load(repository, "production", key => overrides.GetValueOrDefault(key)),
            Throws.TypeOf<SettingsException>().With.Message.Contains("Database.Password: generated secrets are for the sandbox only"));
    }
}
