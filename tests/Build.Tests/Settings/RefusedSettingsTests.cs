using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Aws;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Settings;

/// <summary>Settings that would hand a service root, lock the suite out or break a host: each refused before anything runs, saying what to do.</summary>
public sealed class RefusedSettingsTests
{
    private const string Key = AwsProvisionerTests.PublicKey;

    private static IReadOnlyList<string> Problems(TemporaryRepository repository, string environment = "sandbox", IReadOnlyDictionary<string, string>? overrides = null, IReadOnlyDictionary<string, string>? variables = null) =>
        Assert.Throws<SettingsException>(() => SettingsLoader.Load(repository.Root, environment, key => overrides?.GetValueOrDefault(key),
            name => variables?.GetValueOrDefault(name) ?? "a-long-secret-value", new SecretRedactor()))!.Problems;

    /// <summary>The shipped sandbox with these People (JSON array).</summary>
    private static TemporaryRepository SandboxWithPeople(string people)
    {
        var repository = new TemporaryRepository().WithShippedSandbox();
        var file = Path.Combine(repository.Root, "environments", "sandbox.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("\"People\": []", "\"People\": " + people, StringComparison.Ordinal));
        return repository;
    }

    [TestCase("root")]
    [TestCase("www-data")]
    [TestCase("sshd")]
    [TestCase("systemd-network")]
    [TestCase("people")]
    public void A_person_with_a_system_account_s_login_is_refused(string login)
    {
        using var repository = SandboxWithPeople($$"""[ { "Login": "{{login}}", "Keys": ["{{Key}}"] } ]""");

        Assert.That(Problems(repository), Has.Some.StartsWith($"People[0].Login: '{login}' is a system account").And.Some.Contains("would become root"));
    }

    [Test]
    public void The_suite_s_own_login_as_a_person_is_refused()
    {
        using var repository = SandboxWithPeople($$"""[ { "Login": "admin2", "Keys": ["{{Key}}"] } ]""");

        Assert.That(Problems(repository, overrides: new Dictionary<string, string> { ["Ssh_User"] = "admin2" }),
            Has.Some.StartsWith("People[0].Login: 'admin2' is also Ssh.User").And.Some.Contains("lock the suite out"));
    }

    [Test]
    public void A_key_entry_holding_two_lines_is_refused()
    {
        using var repository = SandboxWithPeople($$"""[ { "Login": "alice", "Keys": ["{{Key}}\n{{Key}}"] } ]""");

        Assert.That(Problems(repository), Has.Some.StartsWith("People[0].Keys[0]: the key holds a line break").And.Some.Contains("one key per entry"));
    }

    [Test]
    public void The_site_name_default_is_refused()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        Assert.That(Problems(repository, overrides: new Dictionary<string, string> { ["Site_Name"] = "default" }),
            Has.Some.StartsWith("Site.Name: 'default' is the name of Debian's default nginx site"));
    }

    [TestCase("/usr/bin")]
    [TestCase("/etc/ssh")]
    [TestCase("/home/alice")]
    [TestCase("/var/lib/site")]
    [TestCase("/srv/people/site")]
    public void A_site_root_in_a_folder_of_the_system_or_of_people_is_refused(string root)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        Assert.That(Problems(repository, overrides: new Dictionary<string, string> { ["Site_Root"] = root }),
            Has.Some.StartsWith($"Site.Root: '{root}' is in a folder of the system or of people").And.Some.Contains("/srv/www"));
    }

    [TestCase("/srv/www")]
    [TestCase("/var/www")]
    [TestCase("/opt/coralnet")]
    public void A_site_root_of_the_site_s_own_is_accepted(string root)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (settings, _) = SettingsLoader.Load(repository.Root, "sandbox", key => key == "Site_Root" ? root : null, _ => null, new SecretRedactor());

        Assert.That(settings.Site.Root, Is.EqualTo(root));
    }

    [Test]
    public void A_secret_holding_a_newline_is_refused_when_the_settings_are_read()
    {
        using var repository = new TemporaryRepository().WithEnvironment("staging", """
            { "Provider": "sandbox", "Site": { "Domain": "coralnet.sandbox", "Source": ".", "SecretKey": "env:KEY" },
              "Ssh": { "PrivateKey": ".sandbox/id_ed25519", "KnownHosts": ".sandbox/known_hosts" },
              "Database": { "Password": "env:DB", "MasterPassword": "env:DB" } }
            """);

        var problems = Problems(repository, "staging", variables: new Dictionary<string, string> { ["KEY"] = "first-line\nsecond-line", ["DB"] = "a-long-database-password" });

        Assert.That(problems, Is.EqualTo(new[] { "Site.SecretKey: the secret in env:KEY holds a line break (or another control character), which the site's environment file cannot carry; set it again on one line." }));
    }

    [TestCase("../../tmp/x")]
    [TestCase("prod/x")]
    [TestCase("Production")]
    public void An_environment_name_that_is_not_a_plain_name_is_refused(string environment)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        Assert.That(Problems(repository, environment), Is.EqualTo(new[]
        {
            $"--environment: '{environment}' must be the name of a file in environments/ without '.json': lower-case letters, digits, '-' and '_', no path (for example production).",
        }));
    }

    [Test]
    public void A_private_key_its_group_or_others_can_read_is_refused()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        var key = Path.Combine(repository.Root, ".sandbox", "id_ed25519");
        Directory.CreateDirectory(Path.GetDirectoryName(key)!);
        File.WriteAllText(key, "not checked for content here\n");
        File.SetUnixFileMode(key, (UnixFileMode)Convert.ToInt32("644", 8));

        Assert.That(Problems(repository), Has.Some.StartsWith($"Ssh.PrivateKey: {key} can be read or written by its group or others (mode 644)").And.Some.EndsWith($"chmod 600 {key}"));

        File.SetUnixFileMode(key, (UnixFileMode)Convert.ToInt32("600", 8));
        Assert.That(() => SettingsLoader.Load(repository.Root, "sandbox", _ => null, _ => null, new SecretRedactor()), Throws.Nothing);
    }

    [Test]
    public void A_site_name_that_makes_an_invalid_rds_identifier_is_refused()
    {
        using var repository = new TemporaryRepository();
        File.WriteAllText(Path.Combine(repository.Root, "operator.pub"), Key + "\n");
        repository.WithEnvironment("production", """
            { "Provider": "aws", "Site": { "Name": "coral_net", "Domain": "coralnet.example.org", "SecretKey": "env:K" },
              "Ssh": { "User": "admin", "PrivateKey": "operator", "KnownHosts": "environments/production.known_hosts" },
              "Database": { "Password": "env:K", "MasterPassword": "env:K" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "operator.pub", "OperatorCidrs": ["203.0.113.7/32"], "BucketName": "coralnet-media" } }
            """);

        Assert.That(Problems(repository, "production"), Is.EqualTo(new[]
        {
            "Site.Name: with the environment 'production' the RDS instance would be named 'coral_net-production-db', which RDS refuses (letters, digits and single hyphens, starting with a letter, at most 63): use letters, digits and '-' in Site.Name and in the environment's name.",
        }));
    }
}
