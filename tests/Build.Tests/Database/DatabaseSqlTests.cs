using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.Database;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Database;

public class DatabaseSqlTests
{
    [TestCase("django", "\"django\"")]
    [TestCase("Mixed_Case", "\"Mixed_Case\"")]
    [TestCase("select", "\"select\"")]
    [TestCase("a\"b", "\"a\"\"b\"")]
    public void Identifiers_are_double_quoted_with_inner_quotes_doubled(string name, string quoted) =>
        Assert.That(PgSql.Identifier(name), Is.EqualTo(quoted));

    [TestCase("plain", "E'plain'")]
    [TestCase("it's", "E'it''s'")]
    [TestCase(@"back\slash", @"E'back\\slash'")]
    [TestCase(@"\'; DROP ROLE x; --", @"E'\\''; DROP ROLE x; --'")]
    public void Literals_escape_quotes_and_backslashes_whatever_standard_conforming_strings_says(string value, string literal) =>
        Assert.That(PgSql.Literal(value), Is.EqualTo(literal));

    [Test]
    public void Nul_characters_are_refused()
    {
        Assert.Throws<ArgumentException>(() => PgSql.Identifier("a\0b"));
        Assert.Throws<ArgumentException>(() => PgSql.Literal("a\0b"));
        Assert.Throws<ArgumentException>(() => PgSql.Identifier(""));
    }

    [Test]
    public void Ddl_quotes_every_name()
    {
        Assert.That(DatabaseSql.CreateDatabase("coralnet", "django").Text, Is.EqualTo("CREATE DATABASE \"coralnet\" OWNER \"django\""));
        Assert.That(DatabaseSql.SetDatabaseOwner("coralnet", "django").Text, Is.EqualTo("ALTER DATABASE \"coralnet\" OWNER TO \"django\""));
        Assert.That(DatabaseSql.SetPublicSchemaOwner("django").Text, Is.EqualTo("ALTER SCHEMA public OWNER TO \"django\""));
        Assert.That(DatabaseSql.GrantMembership("django", "postgres").Text, Is.EqualTo("GRANT \"django\" TO \"postgres\""));
        Assert.That(DatabaseSql.AllowLogin("django").Text, Is.EqualTo("ALTER ROLE \"django\" LOGIN"));
    }

    [Test]
    public void Queries_take_names_as_bind_parameters_not_as_text()
    {
        var statement = DatabaseSql.State("d'j", "co'ral");
        Assert.That(statement.Text, Does.Not.Contain("co'ral").And.Not.Contain("d'j"));
        Assert.That(statement.Parameters, Is.EqualTo(new object[] { "d'j", "co'ral" }));
        Assert.That(DatabaseSql.IsMemberOf("dj").Parameters, Is.EqualTo(new object[] { "dj" }));
    }

    [Test]
    public void Password_statements_carry_a_verifier_not_the_password_and_show_neither()
    {
        const string password = "pa'ss\\word-Secret1";
        var verifier = ScramVerifier.Compute(password);
        foreach (var statement in new[] { DatabaseSql.CreateRole("django", verifier), DatabaseSql.SetPassword("django", verifier) })
        {
            Assert.That(statement.Text, Does.Contain(PgSql.Literal(verifier)).And.Not.Contain(password));
            Assert.That(statement.Display, Does.EndWith("PASSWORD ***").And.Not.Contain(verifier));
            Assert.That(statement.ToString(), Is.EqualTo(statement.Display));
            Assert.That(statement.Parameters, Is.Empty);
        }

        Assert.That(DatabaseSql.CreateRole("django", verifier).Display, Is.EqualTo("CREATE ROLE \"django\" LOGIN PASSWORD ***"));
    }

    [Test]
    public void The_verifier_has_PostgreSQLs_format_and_a_fresh_salt_each_time()
    {
        var first = ScramVerifier.Compute("correct horse battery");
        var second = ScramVerifier.Compute("correct horse battery");
        Assert.That(first, Does.Match(@"^SCRAM-SHA-256\$4096:[A-Za-z0-9+/=]{24}\$[A-Za-z0-9+/=]{44}:[A-Za-z0-9+/=]{44}$"));
        Assert.That(second, Is.Not.EqualTo(first));
    }

    /// <summary>RFC 7677's example exchange (user "user", password "pencil"): a server holding our verifier accepts its proof and sends its signature.</summary>
    [Test]
    public void The_verifier_checks_the_RFC_7677_exchange()
    {
        var salt = Convert.FromBase64String("W22ZaJ0SNY7soEsUEjb6gQ==");
        var parts = ScramVerifier.Compute("pencil", salt).Split('$', ':');
        Assert.That(parts[2], Is.EqualTo("W22ZaJ0SNY7soEsUEjb6gQ=="));
        var storedKey = Convert.FromBase64String(parts[3]);
        var serverKey = Convert.FromBase64String(parts[4]);
        const string nonce = "rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        var authMessage = Encoding.UTF8.GetBytes($"n=user,r=rOprNGfwEbeRWgbNEkqO,r={nonce},s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r={nonce}");

        var serverSignature = HMACSHA256.HashData(serverKey, authMessage);
        Assert.That(Convert.ToBase64String(serverSignature), Is.EqualTo("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="));

        var proof = Convert.FromBase64String("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        var clientSignature = HMACSHA256.HashData(storedKey, authMessage);
        var clientKey = proof.Zip(clientSignature, (a, b) => (byte)(a ^ b)).ToArray();
        Assert.That(SHA256.HashData(clientKey), Is.EqualTo(storedKey));
    }

    [Test]
    public void A_verifier_matches_its_own_password_only()
    {
        var verifier = ScramVerifier.Compute("correct horse battery");

        Assert.That(ScramVerifier.Matches("correct horse battery", verifier), Is.True);
        Assert.That(ScramVerifier.Matches("correct horse batterY", verifier), Is.False);
        Assert.That(ScramVerifier.Matches("correct horse battery", verifier.Replace("$4096:", "$4095:", StringComparison.Ordinal)), Is.False);
        Assert.That(ScramVerifier.Matches("correct horse battery", "md5abc"), Is.False);
        Assert.That(ScramVerifier.Matches("correct horse battery", "SCRAM-SHA-256$4096:not*base64$a:b"), Is.False);
    }

    [Test]
    public void Passwords_outside_printable_ASCII_are_refused_with_what_to_use() =>
        Assert.That(() => ScramVerifier.Compute("pässwort123"), Throws.ArgumentException.With.Message.Contains("printable ASCII"));

    [Test]
    public void The_sandbox_endpoint_is_the_database_hosts_address_and_AWS_without_an_endpoint_says_what_to_do()
    {
        var settings = new DeploySettings { Provider = ProviderKind.Sandbox };
        var expected = new CoralNet.Deploy.Sandbox.SandboxAddresses(settings.Sandbox.Subnet, settings.Sandbox.WebHosts, "db1")["db1"].Address.ToString();
        Assert.That(DatabaseEndpoint.For(settings, null), Is.EqualTo(new DatabaseEndpoint("db1", expected, 5432)));

        var aws = new DeploySettings { Provider = ProviderKind.Aws };
        Assert.That(() => DatabaseEndpoint.For(aws, null), Throws.TypeOf<DatabaseSetupException>().With.Message.Contains("RDS"));
        var rds = new DatabaseEndpoint("coralnet-db", "coralnet-db.example.internal", 5432);
        Assert.That(DatabaseEndpoint.For(aws, rds), Is.SameAs(rds));
    }
}
