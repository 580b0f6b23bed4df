using System.Net;
using System.Net.Sockets;
using Cake.Frosting;
using CoralNet.Deploy.Tests.Aws;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Frosting;

/// <summary>The suite's real graph and settings under the strict command line: what is refused, and how failures read.</summary>
[NonParallelizable]
public sealed class StrictCommandLineSuiteTests
{
    private static readonly string[] Variables = ["CAKE_SITE_DOMIAN", "CAKE_SITE_DOMAIN", "CAKE_PATHS_TOOLS", "STRICT_TEST_SECRET", "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_EC2_METADATA_DISABLED"];

    [TearDown]
    public void ClearVariables()
    {
        foreach (var variable in Variables)
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    private static (int ExitCode, string Output) Run(TemporaryRepository repository, params string[] args) =>
        SuiteRun.Run(repository.Root, args);

    [Test]
    public void A_misspelled_setting_argument_is_refused_naming_the_setting()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=ShowSettings", "--site_domian=x");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(output, Does.Contain("Unknown option --site_domian: did you mean --site_domain?"));
        Assert.That(output, Does.Not.Contain("Site.Name = "), "ShowSettings did not run");
    }

    [Test]
    public void A_misspelled_CAKE_variable_is_refused_and_a_right_one_or_one_of_Cakes_own_is_taken()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();
        Environment.SetEnvironmentVariable("CAKE_SITE_DOMIAN", "x.example.org");

        var (exitCode, output) = Run(repository, "--target=ShowSettings");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(output, Does.Contain("The environment variable CAKE_SITE_DOMIAN names no setting: did you mean CAKE_SITE_DOMAIN?"));
        Assert.That(output, Does.Not.Contain("Site.Name = "));

        Environment.SetEnvironmentVariable("CAKE_SITE_DOMIAN", null);
        Environment.SetEnvironmentVariable("CAKE_SITE_DOMAIN", "x.example.org");
        Environment.SetEnvironmentVariable("CAKE_PATHS_TOOLS", "./tools");
        var (rightExitCode, rightOutput) = Run(repository, "--target=ShowSettings");

        Assert.That(rightExitCode, Is.Zero, rightOutput);
        Assert.That(rightOutput, Does.Contain("Site.Domain = x.example.org"));
    }

    [Test]
    public void A_misspelled_cake_config_key_is_refused_and_Cakes_own_keys_are_taken()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox().WithCakeConfig("""
            ; comment
            [Paths]
            Tools=./tools
            [Settings]
            SkipVerification=true
            [Site]
            Domian=x.example.org
            """);

        var (exitCode, output) = Run(repository, "--target=ShowSettings");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(output, Does.Contain("cake.config: [Site] Domian names no setting: did you mean [Site] Domain?"));
        Assert.That(output, Does.Not.Contain("Paths] Tools").And.Not.Contain("SkipVerification names"));
    }

    [Test]
    public void The_aws_endpoint_option_is_another_spelling_of_the_setting()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=ShowSettings", "--aws-endpoint=http://127.0.0.1:4566");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("Aws.Endpoint = http://127.0.0.1:4566"));
    }

    [Test]
    public void An_option_of_another_target_is_refused_naming_its_targets()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=Deploy", "--release=20260101T000000Z");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(output, Does.Contain("--release applies to Rollback and the targets that run it, not to Deploy."));
    }

    [TestCase("--lock-wait=5")]
    [TestCase("--batch-size=2")]
    public void An_option_two_tasks_read_applies_to_both(string option)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var rollback = Run(repository, "--target=Rollback", option, "--dryrun");
        var deploy = Run(repository, "--target=Deploy", option, "--dryrun");

        Assert.That(rollback.ExitCode, Is.Zero, rollback.Output);
        Assert.That(deploy.ExitCode, Is.Zero, deploy.Output);
    }

    [TestCase("Test", "InstallTestPrerequisites, Test change things")]
    [TestCase("SandboxDown", "SandboxDown changes things")]
    [TestCase("Rollback", "Rollback changes things")]
    [TestCase("MaintenanceOn", "MaintenanceOn changes things")]
    public void A_target_that_cannot_honour_check_is_refused_and_nothing_runs(string target, string says)
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=" + target, "--check");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(output, Does.Contain($"--check: {target} cannot run without changing anything: {says}"));
        Assert.That(output, Does.Contain("check one of: ").And.Contain("ConfigureHost").And.Contain("Deploy"));
        Assert.That(output, Does.Not.Contain("Environment 'sandbox'"), "not even the setup ran");
    }

    [Test]
    public void Under_check_a_release_step_says_what_it_would_do_and_does_nothing()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=UploadCode", "--check", "--exclusive");

        Assert.That(exitCode, Is.Zero, output);
        Assert.That(output, Does.Contain("UploadCode does not run under --check; it would: Release: into Site.Root/NAME/releases/ID"));
        Assert.That(Directory.Exists(Path.Combine(repository.Root, "artifacts")), Is.False, "nothing was packaged or recorded");
    }

    [TestCase("ReloadNginx")]
    [TestCase("RestartGunicorn")]
    [TestCase("CleanupReleases")]
    public void A_release_step_run_alone_is_refused(string step)
    {
        // Alone, ReloadNginx would point nginx at a standby this run never started, outside the deploy lock.
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, $"--target={step}", "--exclusive");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure), output);
        Assert.That(output, Does.Contain($"{step} changes the web hosts as one step of a deploy, under the deploy lock and after the steps before it, and this run holds no lock"));
        Assert.That(output, Does.Contain($"Run it without --exclusive (--target={step} runs the steps it needs first), or --target=Deploy."));
    }

    [Test]
    public void Every_task_declares_how_it_keeps_check_from_changing_anything_or_is_refused()
    {
        // The tasks that may be refused under --check are exactly these: each changes things and cannot report instead.
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (_, output) = Run(repository, "--target=Test", "--check");

        Assert.That(output, Does.Contain("check one of: Audit, BuildImage, Certificate, CheckRegistry, CleanupReleases, CollectStatic, ConfigureHost, ConfigureLoadBalancer, CreateUsers, Default, Deploy, DeployLock, DeployPolicy, HealthCheck, InstallContainerEngine, InstallPackages, InstallRequirements, LockStatus, Logs, Migrate, PackageRelease, Plan, PreDeployHook, PrepareTls, PrepareWebRoot, Provision, ProvisionAws, ProvisionSandbox, PullImage, PushImage, Releases, ReloadNginx, RemoveDefaultSite, RestartGunicorn, Roll, SandboxStatus, SandboxUp, SecureHost, Settings, SetupDatabase, Shell, ShowSettings, Status, UpgradePackages, UploadCode."));
    }

    [Test]
    public void A_target_skipped_by_its_criteria_says_why()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = Run(repository, "--target=Plan");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(output, Does.Contain("Error: Plan did not run: Plan needs an environment whose Provider is aws; name one with --environment=NAME."));
        Assert.That(output, Does.Not.Contain("criteria"));
    }

    [Test]
    public void A_refused_AWS_connection_names_the_endpoint_setting_in_one_line()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Environment.SetEnvironmentVariable("STRICT_TEST_SECRET", "not-a-real-secret-value-0123456789");
        // Credentials of no one, so that the SDK goes straight to the endpoint (and never to instance metadata).
        Environment.SetEnvironmentVariable("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE");
        Environment.SetEnvironmentVariable("AWS_SECRET_ACCESS_KEY", "not-a-real-key");
        Environment.SetEnvironmentVariable("AWS_EC2_METADATA_DISABLED", "true");
        using var repository = new TemporaryRepository().WithEnvironment("staging", $$"""
            { "Provider": "aws",
              "Site": { "Domain": "coralnet.example.org", "SecretKey": "env:STRICT_TEST_SECRET" },
              "Ssh": { "PrivateKey": "operator", "KnownHosts": "environments/staging.known_hosts" },
              "Database": { "Password": "env:STRICT_TEST_SECRET", "MasterPassword": "env:STRICT_TEST_SECRET" },
              "Aws": { "Region": "us-west-2", "KeyName": "k", "PublicKey": "operator.pub", "OperatorCidrs": ["203.0.113.7/32"],
                       "BucketName": "coralnet-media-test", "Endpoint": "http://127.0.0.1:{{port}}" } }
            """);
        File.WriteAllText(Path.Combine(repository.Root, "operator.pub"), AwsProvisionerTests.PublicKey + "\n");

        var (exitCode, output) = Run(repository, "--target=Plan", "--environment=staging");

        TestContext.Out.WriteLine(output);
        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(output, Does.Contain($"Error: STS GetCallerIdentity: no answer (Connection refused (127.0.0.1:{port})) from the endpoint http://127.0.0.1:{port}, from the setting Aws.Endpoint (--aws-endpoint=URL)"));
        Assert.That(output, Does.Not.Contain("   at ").And.Not.Contain("bug"));
    }

    [Test]
    public void Missing_AWS_credentials_are_one_line_saying_what_to_export()
    {
        Assert.That(
            new CoralNet.Deploy.Context.DeployFailures().Describe(new Amazon.Runtime.AmazonClientException("Failed to resolve AWS credentials. The credential providers used to search for credentials returned the following errors:\nException 1 of 4: ...")),
            Does.StartWith("AWS credentials were not found: export AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"));
    }
}
