using System.Text.Json;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Tests.Aws;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Output;

/// <summary>Targets whose result is data: printed at every verbosity, and with --format=json alone on stdout, as JSON that parses.</summary>
public sealed class JsonOutputTests
{
    [Test]
    public void ShowSettings_as_json_is_the_only_thing_on_stdout()
    {
        var result = ProgramProcess.Run("--target=ShowSettings", "--format=json");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.That(json.RootElement.GetProperty("Site").GetProperty("Domain").GetString(), Is.EqualTo("coralnet.sandbox"));
        Assert.That(json.RootElement.GetProperty("Site").GetProperty("SecretKey").GetString(), Is.EqualTo("generated:django-secret-key"), "a secret shows where it is kept");
        Assert.That(json.RootElement.GetProperty("Sandbox").GetProperty("WebHosts")[0].GetString(), Is.EqualTo("web1"));
        Assert.That(result.Err, Does.Contain("Environment 'sandbox' (sandbox), target 'ShowSettings'."), "the log goes to stderr");
    }

    [Test]
    public void DeployPolicy_as_json_is_a_policy_document_file()
    {
        var result = ProgramProcess.Run("--target=DeployPolicy", "--format=json");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.That(json.RootElement.GetProperty("Version").GetString(), Is.EqualTo("2012-10-17"));
        Assert.That(json.RootElement.GetProperty("Statement").GetArrayLength(), Is.GreaterThan(0));
    }

    [TestCase("ShowSettings", "Site.Domain = coralnet.sandbox")]
    [TestCase("DeployPolicy", "\"Version\": \"2012-10-17\"")]
    public void Quiet_still_prints_the_result_and_nothing_else(string target, string expected)
    {
        var result = ProgramProcess.Run($"--target={target}", "--verbosity=quiet");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain(expected));
        Assert.That(result.Out, Does.Not.Contain("Environment 'sandbox'").And.Not.Contain("Task").And.Not.Contain("===="));
        Assert.That(result.Err, Is.Empty);
    }

    [Test]
    public void A_secret_inside_a_json_result_is_masked_whatever_json_escaping_does_to_it()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        const string secret = "zq\"9\\+secret";
        var result = ProgramProcess.Run(
            repository.Root,
            new Dictionary<string, string?> { ["OUTPUT_TEST_SECRET"] = secret, ["CAKE_SITE_SECRETKEY"] = "env:OUTPUT_TEST_SECRET" },
            "--target=ShowSettings",
            "--format=json",
            "--aws_keyname=" + secret);

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        using var json = JsonDocument.Parse(result.Stdout);
        Assert.That(json.RootElement.GetProperty("Aws").GetProperty("KeyName").GetString(), Is.EqualTo("***"));
        Assert.That(result.Out, Does.Not.Contain("zq"));
    }

    [Test]
    public void Plan_as_json_lists_each_resource_with_its_action()
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var data = new StringWriter();
        var (exitCode, log) = SuiteRun.RunWith(
            services => services.AddSingleton<IAwsConnector>(new RecordingConnector(new FakeAws())).AddSingleton(new DataOutput(data)),
            repository.Root,
            "--target=Plan",
            "--environment=staging",
            "--format=json");

        Assert.That(exitCode, Is.Zero, log);
        using var json = JsonDocument.Parse(data.ToString());
        Assert.That(json.RootElement.GetProperty("create").GetInt32(), Is.EqualTo(13));
        var resources = json.RootElement.GetProperty("resources").EnumerateArray().ToList();
        Assert.That(resources.Select(r => r.GetProperty("resource").GetString()), Does.Contain("security group coralnet-staging-web"));
        Assert.That(resources.Select(r => r.GetProperty("action").GetString()), Is.All.EqualTo("create"));
        Assert.That(log, Does.Not.Contain("create     security group"), "the plan is the JSON document, not a log line");
    }

    [Test]
    public void Plan_at_quiet_prints_the_plan()
    {
        using var repository = PlanSuiteRunTests.CompleteStaging();
        var (exitCode, output) = SuiteRun.RunWith(
            services => services.AddSingleton<IAwsConnector>(new RecordingConnector(new FakeAws())),
            repository.Root,
            "--target=Plan",
            "--environment=staging",
            "--verbosity=quiet");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("create     security group coralnet-staging-web").And.Contain("Plan: 13 to create, 0 to update."));
        Assert.That(output, Does.Not.Contain("AWS account"), "quiet: the result only");
    }
}
