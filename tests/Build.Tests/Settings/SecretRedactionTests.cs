using Cake.Core.Diagnostics;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Settings;

[NonParallelizable]
public sealed class SecretRedactionTests
{
    private const string SecretValue = "Sup3r-Secret-Value-Zq9";

    [TestCase(Verbosity.Quiet)]
    [TestCase(Verbosity.Normal)]
    [TestCase(Verbosity.Diagnostic)]
    public void TheLogMasksSecretsAtEveryVerbosity(Verbosity verbosity)
    {
        var console = new CapturingConsole();
        var redactor = new SecretRedactor();
        redactor.Register(SecretValue);
        var log = new Cake.Core.Diagnostics.CakeBuildLog(new RedactingConsole(console, redactor), verbosity);

        log.Error("as an argument: {0}", SecretValue);
        log.Error("inline: password=" + SecretValue + ";");
        log.Debug("diagnostic: {0}", SecretValue);

        Assert.That(console.Text, Does.Not.Contain(SecretValue));
        Assert.That(console.Text, Does.Contain("as an argument: ***").And.Contain("password=***;"));
    }

    [Test]
    public void ASecretEchoedInAnErrorIsMaskedInTheRealSuite()
    {
        using var repository = new TemporaryRepository().WithEnvironment("sandbox", """
            { "Provider": "sandbox", "Site": { "Domain": "example.org", "SecretKey": "env:CORALNET_TEST_SECRET" },
              "Database": { "Password": "generated:db", "MasterPassword": "generated:master" } }
            """);
        Environment.SetEnvironmentVariable("CORALNET_TEST_SECRET", SecretValue);
        try
        {
            // An operator pastes the secret where a path belongs: the error quotes the value back.
            var (exitCode, output) = SuiteRun.Run(repository.Root, "--target=ShowSettings", "--verbosity=diagnostic", "--site_source=" + SecretValue);

            Assert.That(exitCode, Is.Not.EqualTo(0));
            Assert.That(output, Does.Contain("Site.Source: no directory '***'"));
            Assert.That(output, Does.Not.Contain(SecretValue));
        }
        finally
        {
            Environment.SetEnvironmentVariable("CORALNET_TEST_SECRET", null);
        }
    }
}
