using System.Net;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace CoralNet.Deploy.Tests.Aws;

public sealed class SsmSecretsTests
{
    private const string MasterPassword = "ssm-kept-master-password-9";
    private const string Parameter = "/coralnet/test/db-master-password";

    // A sandbox environment whose master password lives in SSM (the others are generated).
    private const string Environment = """
        { "Provider": "sandbox", "Site": { "Domain": "coralnet.sandbox", "SecretKey": "generated:k" },
          "Ssh": { "PrivateKey": ".sandbox/k", "KnownHosts": ".sandbox/kh" },
          "Aws": { "Region": "us-west-2" },
          "Database": { "Password": "generated:p", "MasterPassword": "ssm:/coralnet/test/db-master-password" } }
        """;

    private int _clientsMade;

    private (DeploySettings, SecretStore) Load(TemporaryRepository repository, IAmazonSimpleSystemsManagement ssm, SecretRedactor? redactor = null) =>
        SettingsLoader.Load(repository.Root, "test", _ => null, _ => null, redactor ?? new SecretRedactor(), _ =>
        {
            _clientsMade++;
            return new SsmSecureParameters(ssm);
        });

    private static IAmazonSimpleSystemsManagement Ssm(ParameterType type, string value)
    {
        var ssm = Substitute.For<IAmazonSimpleSystemsManagement>();
        ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>())
            .Returns(call => new GetParameterResponse { Parameter = new Parameter { Name = call.Arg<GetParameterRequest>().Name, Type = type, Value = value } });
        return ssm;
    }

    private static IAmazonSimpleSystemsManagement Failing(Exception exception)
    {
        var ssm = Substitute.For<IAmazonSimpleSystemsManagement>();
        ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>()).ThrowsAsync(exception);
        return ssm;
    }

    [SetUp]
    public void SetUp() => _clientsMade = 0;

    [Test]
    public void An_ssm_reference_reads_the_SecureString_decrypted_and_masks_it()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment);
        var ssm = Ssm(ParameterType.SecureString, MasterPassword);
        var redactor = new SecretRedactor();

        var (settings, secrets) = Load(repository, ssm, redactor);

        Assert.That(settings.Database.MasterPassword, Is.EqualTo(new SecretReference(SecretSource.Ssm, Parameter)));
        Assert.That(secrets.Get(settings.Database.MasterPassword).Reveal(), Is.EqualTo(MasterPassword));
        Assert.That(redactor.Redact("password is " + MasterPassword), Is.EqualTo("password is ***"));
        ssm.Received(1).GetParameterAsync(Arg.Is<GetParameterRequest>(r => r.Name == Parameter && r.WithDecryption == true), Arg.Any<CancellationToken>());
        Assert.That(_clientsMade, Is.EqualTo(1));
    }

    [Test]
    public void No_SSM_client_is_made_when_no_secret_lives_there()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment.Replace("ssm:" + Parameter, "generated:m"));

        Load(repository, Ssm(ParameterType.SecureString, MasterPassword));

        Assert.That(_clientsMade, Is.Zero);
    }

    [Test]
    public void SSM_is_not_asked_while_other_settings_are_wrong()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment.Replace("coralnet.sandbox", "Not A Domain"));
        var ssm = Ssm(ParameterType.SecureString, MasterPassword);

        var problems = Assert.Throws<SettingsException>(() => Load(repository, ssm))!.Problems;

        Assert.That(problems, Has.Some.StartsWith("Site.Domain:"));
        Assert.That(_clientsMade, Is.Zero);
        Assert.That(ssm.ReceivedCalls(), Is.Empty);
    }

    [Test]
    public void A_missing_parameter_is_named_with_what_to_do()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment);

        var problems = Assert.Throws<SettingsException>(() => Load(repository, Failing(new ParameterNotFoundException("Parameter not found")
        {
            ErrorCode = "ParameterNotFound",
            StatusCode = HttpStatusCode.BadRequest,
        })))!.Problems;

        Assert.That(problems.Single(), Does.StartWith($"Database.MasterPassword: SSM has no parameter {Parameter}").And.Contains("--type SecureString"));
    }

    [Test]
    public void A_denied_parameter_says_which_permissions_are_missing()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment);

        var problems = Assert.Throws<SettingsException>(() => Load(repository, Failing(new AmazonSimpleSystemsManagementException("User is not authorized")
        {
            ErrorCode = "AccessDeniedException",
            StatusCode = HttpStatusCode.BadRequest,
        })))!.Problems;

        Assert.That(problems.Single(), Does.Contain(Parameter).And.Contains("ssm:GetParameter").And.Contains("kms:Decrypt"));
    }

    [Test]
    public void A_parameter_stored_in_clear_is_refused_without_its_value()
    {
        using var repository = new TemporaryRepository().WithEnvironment("test", Environment);

        var error = Assert.Throws<SettingsException>(() => Load(repository, Ssm(ParameterType.String, MasterPassword)))!;

        Assert.That(error.Problems.Single(), Does.Contain("a secret must be a SecureString"));
        Assert.That(error.Message, Does.Not.Contain(MasterPassword));
    }

    [TestCase("ssm:no spaces allowed")]
    [TestCase("ssm:")]
    [TestCase("ssm:/trailing/")]
    public void A_malformed_parameter_name_is_refused(string text)
    {
        Assert.That(SecretReference.TryParse(text, out _, out var error), Is.False);
        Assert.That(error, Is.Not.Empty);
    }
}
