using Amazon.SimpleSystemsManagement;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>Stands in for AWS in a whole run: every client it hands out is a recording fake.</summary>
internal sealed class RecordingConnector(FakeAws fake) : IAwsConnector
{
    public List<string> Made { get; } = [];

    public AwsServices Connect(AwsSettings settings, IAwsLog log)
    {
        Made.Add("services");
        return fake.Services();
    }

    public IAmazonSimpleSystemsManagement Ssm(AwsSettings settings)
    {
        Made.Add("ssm");
        return fake.Services().Ssm;
    }
}

public sealed class PlanSuiteRunTests
{
    /// <summary>Runs the Plan target of the staging environment through the real task graph, with AWS faked.</summary>
    private static (int ExitCode, string Output, FakeAws Fake, RecordingConnector Connector) Plan(TemporaryRepository repository)
    {
        var fake = new FakeAws();
        var connector = new RecordingConnector(fake);
        var (exitCode, output) = SuiteRun.RunWith(services => services.AddSingleton<IAwsConnector>(connector), repository.Root, "--target=Plan", "--environment=staging", "--verbosity=diagnostic");
        TestContext.Out.WriteLine(output);
        return (exitCode, output, fake, connector);
    }

    [Test]
    public void Plan_of_an_incomplete_aws_environment_lists_every_problem_and_calls_no_AWS()
    {
        using var repository = new TemporaryRepository().WithEnvironment("staging", """
            { "Provider": "aws",
              "Site": { "Domain": "coralnet.example.org", "SecretKey": "env:UNSET_SECRET_KEY" },
              "Database": { "Password": "generated:p", "MasterPassword": "ssm:/coralnet/staging/master" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "missing.pub", "Endpoint": "not a url",
                       "DatabaseEngineVersion": "fifteen", "RootVolumeGigabytes": 2 } }
            """);
        var (exitCode, output, fake, connector) = Plan(repository);

        Assert.That(exitCode, Is.Not.Zero);
        foreach (var problem in new[]
                 {
                     "Site.SecretKey: the environment variable UNSET_SECRET_KEY is not set",
                     "Database.Password: generated secrets are for the sandbox only",
                     "Aws.PublicKey: no file 'missing.pub'",
                     "Aws.Endpoint: 'not a url' is not a URL",
                     "Aws.OperatorCidrs:",
                     "Aws.BucketName:",
                     "Aws.DatabaseEngineVersion: 'fifteen'",
                     "Aws.RootVolumeGigabytes: 2 is outside",
                     "Ssh.PrivateKey:",
                     "Ssh.KnownHosts:",
                 })
        {
            Assert.That(output, Does.Contain(problem));
        }

        Assert.That(connector.Made, Is.Empty, "no AWS client is even made");
        Assert.That(fake.Calls, Is.Empty);
    }

    /// <summary>A repository with a complete AWS environment "staging" whose secrets are in SSM.</summary>
    internal static TemporaryRepository CompleteStaging()
    {
        var repository = new TemporaryRepository().WithEnvironment("staging", """
            { "Provider": "aws",
              "Site": { "Domain": "coralnet.example.org", "SecretKey": "ssm:/coralnet/staging/secret-key" },
              "Ssh": { "PrivateKey": "operator", "KnownHosts": "environments/staging.known_hosts" },
              "Database": { "Password": "ssm:/coralnet/staging/password", "MasterPassword": "ssm:/coralnet/staging/master" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "operator.pub", "OperatorCidrs": ["203.0.113.7/32"], "BucketName": "coralnet-media-test" } }
            """);
        File.WriteAllText(Path.Combine(repository.Root, "operator.pub"), AwsProvisionerTests.PublicKey + "\n");
        return repository;
    }

    [Test]
    public void Plan_of_a_complete_aws_environment_reads_its_secrets_from_SSM_and_plans_with_read_only_calls()
    {
        using var repository = CompleteStaging();
        var (exitCode, output, fake, connector) = Plan(repository);

        Assert.That(exitCode, Is.Zero);
        Assert.That(connector.Made, Is.EqualTo(new[] { "ssm", "services" }));
        Assert.That(fake.Calls.Take(3), Is.EqualTo(Enumerable.Repeat("ssm:GetParameter", 3)));
        Assert.That(fake.Calls, Is.All.Matches<string>(call => call.Split(':')[1].StartsWith("Describe") || call.Split(':')[1].StartsWith("Get")));
        Assert.That(output, Does.Contain("create     security group coralnet-staging-web").And.Contain("Plan: 13 to create, 0 to update."));
        Assert.That(output, Does.Not.Contain(FakeAws.SecretParameterValue("/coralnet/staging/master")));
    }
}
