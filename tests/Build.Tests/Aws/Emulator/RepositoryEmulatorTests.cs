using System.Text.RegularExpressions;
using Amazon.Runtime;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Resources;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// The ECR repository of Site.Runtime=container, provisioned against moto through the suite's own
/// JSON client: made with its tags, immutable tags, scan on push and lifecycle policy; a second run
/// changes nothing; drift corrected; the registry login decoded and never logged.
/// </summary>
public sealed partial class RepositoryEmulatorTests : EmulatorTests
{
    private const string Repository = "coralnet-emulator";

    [GeneratedRegex(@"ecr (\w+) ")]
    private static partial Regex EcrCall();

    private static IEnumerable<string> EcrActionsCalled(IEnumerable<string> lines) =>
        lines.SelectMany(line => EcrCall().Matches(line)).Select(match => "ecr:" + match.Groups[1].Value);

    private DeploySettings Settings(int keepImages = 10) => new()
    {
        Environment = EmulatorRun.Environment,
        Provider = ProviderKind.Aws,
        Site = { Name = "coralnet", Domain = "coralnet.emulator.test", Runtime = SiteRuntime.Container },
        Ssh = { KnownHosts = "artifacts/emulator/known_hosts", TrustOnFirstUse = true },
        Container = { KeepImages = keepImages },
        Aws =
        {
            Region = "us-east-1",
            Endpoint = Run.Server.Url,
            Ami = "ami-785db401",
            KeyName = "coralnet-emulator",
            PublicKey = "samples/emulator/operator.pub",
            OperatorCidrs = ["203.0.113.7/32"],
            BucketName = "coralnet-emulator-media",
        },
    };

    private AwsServices Connect(ListLog log, DeploySettings settings) =>
        new AwsClientFactory(new BasicAWSCredentials("emulator-key", "emulator-secret")).Connect(settings.Aws, log);

    private async Task<(IReadOnlyList<ResourceChange> Changes, AwsOutputs Outputs)> ProvisionAsync(ListLog log, DeploySettings settings)
    {
        using var services = Connect(log, settings);
        var provisioner = new AwsProvisioner(settings, Run.Root, new Secret("Emulator-master-passw0rd"), services,
            new WaitOptions(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), Task.Delay), log);
        var changes = await provisioner.ProvisionAsync(CancellationToken.None);
        return (changes, provisioner.Outputs!);
    }

    private async Task<IReadOnlyList<ResourceChange>> PlanAsync(ListLog log, DeploySettings settings)
    {
        using var services = Connect(log, settings);
        return await new AwsProvisioner(settings, Run.Root, new Secret("Emulator-master-passw0rd"), services,
            new WaitOptions(TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(200), Task.Delay), log).PlanAsync(CancellationToken.None);
    }

    private System.Text.Json.Nodes.JsonNode LifecyclePolicy() =>
        System.Text.Json.Nodes.JsonNode.Parse(Run.Boto("ecr", "get_lifecycle_policy", new { repositoryName = Repository })["lifecyclePolicyText"]!.GetValue<string>())!;

    [Test]
    public async Task The_repository_is_made_with_tags_and_lifecycle_policy_a_second_run_changes_nothing_and_the_policy_allows_exactly_the_calls()
    {
        var log = new ListLog();
        var (first, outputs) = await ProvisionAsync(log, Settings(keepImages: 7));

        Assert.That(first.Single(change => change.Resource == "ECR repository " + Repository).Kind, Is.EqualTo(ChangeKind.Create));
        var repository = Run.Boto("ecr", "describe_repositories", new { repositoryNames = new[] { Repository } })["repositories"]![0]!;
        Assert.That(repository["imageTagMutability"]!.GetValue<string>(), Is.EqualTo("IMMUTABLE"));
        Assert.That((bool)repository["imageScanningConfiguration"]!["scanOnPush"]!, Is.True);
        Assert.That(outputs.RepositoryUri, Is.EqualTo(repository["repositoryUri"]!.GetValue<string>()).And.EndsWith("/" + Repository));
        var tags = Run.Boto("ecr", "list_tags_for_resource", new { resourceArn = repository["repositoryArn"]!.GetValue<string>() })["tags"]!.AsArray()
            .ToDictionary(tag => tag!["Key"]!.GetValue<string>(), tag => tag!["Value"]!.GetValue<string>());
        Assert.That(tags, Is.EquivalentTo(new Dictionary<string, string> { ["Project"] = "coralnet", ["Environment"] = "emulator", ["Name"] = Repository }));
        var rule = LifecyclePolicy()["rules"]![0]!;
        Assert.That((int)rule["selection"]!["countNumber"]!, Is.EqualTo(7));
        Assert.That(rule["selection"]!["countType"]!.GetValue<string>(), Is.EqualTo("imageCountMoreThan"));
        Assert.That(rule["action"]!["type"]!.GetValue<string>(), Is.EqualTo("expire"));
        // The instance role: the login (account-wide) and exactly a pull's actions, on the site's repository only.
        var roleStatements = Run.Boto("iam", "get_role_policy", new { RoleName = "coralnet-emulator-web", PolicyName = AwsNames.BucketPolicyName })["PolicyDocument"]!["Statement"]!.AsArray();
        var ecrGrants = roleStatements.SelectMany(statement => statement!["Action"]!.AsArray().Select(action => (Action: action!.GetValue<string>(), Resources: statement["Resource"]!.AsArray().Select(r => r!.GetValue<string>()).ToArray())))
            .Where(grant => grant.Action.StartsWith("ecr:", StringComparison.Ordinal)).ToList();
        Assert.That(ecrGrants.Select(grant => grant.Action), Is.EquivalentTo(new[] { "ecr:GetAuthorizationToken", "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability" }));
        Assert.That(ecrGrants.Where(grant => grant.Action != "ecr:GetAuthorizationToken").SelectMany(grant => grant.Resources).Distinct(), Is.EqualTo(new[] { "arn:aws:ecr:us-east-1:*:repository/coralnet-emulator" }));

        var second = new ListLog();
        var (again, _) = await ProvisionAsync(second, Settings(keepImages: 7));
        Assert.That(again, Is.Empty);
        Assert.That(EcrActionsCalled(second.Lines).Distinct(), Is.EquivalentTo(new[] { "ecr:DescribeRepositories", "ecr:ListTagsForResource", "ecr:GetLifecyclePolicy" }), "a second run only reads");

        // Every ECR action the runs made is in the deploy policy, and nothing more but the push and the tagging that creation authorizes.
        var drift = new ListLog();
        Run.Boto("ecr", "put_image_tag_mutability", new { repositoryName = Repository, imageTagMutability = "MUTABLE" });
        Run.Boto("ecr", "put_image_scanning_configuration", new { repositoryName = Repository, imageScanningConfiguration = new { scanOnPush = false } });
        await ProvisionAsync(drift, Settings(keepImages: 7));
        var settings = Settings();
        using var services = Connect(drift, settings);
        await EcrRegistry.ResolveAsync(services.Registry, settings, value => new Secret(value), CancellationToken.None);
        var allowed = DeployPolicy.Statements(settings, "us-east-1").SelectMany(statement => statement.Actions).Where(action => action.StartsWith("ecr:", StringComparison.Ordinal)).ToHashSet();
        var called = EcrActionsCalled(log.Lines.Concat(second.Lines).Concat(drift.Lines)).ToHashSet();
        Assert.That(called, Is.SubsetOf(allowed));
        Assert.That(allowed.Except(called), Is.EquivalentTo(EcrActions.Push.Append("ecr:TagResource")));
    }

    [Test]
    public async Task Drift_of_the_lifecycle_policy_and_the_tag_settings_is_planned_and_corrected()
    {
        await ProvisionAsync(new ListLog(), Settings());
        Run.Boto("ecr", "delete_lifecycle_policy", new { repositoryName = Repository });
        Run.Boto("ecr", "put_image_tag_mutability", new { repositoryName = Repository, imageTagMutability = "MUTABLE" });

        var plan = await PlanAsync(new ListLog(), Settings());
        var change = plan.Single(item => item.Resource == "ECR repository " + Repository);
        Assert.That(change.Differences, Is.EquivalentTo(new[] { "no lifecycle policy", "tags mutable, not immutable" }));
        Assert.That(Run.Boto("ecr", "describe_repositories", new { repositoryNames = new[] { Repository } })["repositories"]![0]!["imageTagMutability"]!.GetValue<string>(), Is.EqualTo("MUTABLE"), "Plan changed nothing");

        await ProvisionAsync(new ListLog(), Settings());
        Assert.That((int)LifecyclePolicy()["rules"]![0]!["selection"]!["countNumber"]!, Is.EqualTo(10));

        // A policy changed by hand, and a changed setting, are put back to the setting's number.
        Run.Boto("ecr", "put_lifecycle_policy", new { repositoryName = Repository, lifecyclePolicyText = RepositoryResource.LifecyclePolicy(2) });
        var replan = await PlanAsync(new ListLog(), Settings(keepImages: 4));
        Assert.That(replan.Single(item => item.Resource == "ECR repository " + Repository).Differences, Is.EqualTo(new[] { "lifecycle policy differs from keeping the newest 4 images" }));
        await ProvisionAsync(new ListLog(), Settings(keepImages: 4));
        Assert.That((int)LifecyclePolicy()["rules"]![0]!["selection"]!["countNumber"]!, Is.EqualTo(4));
        Assert.That((await PlanAsync(new ListLog(), Settings(keepImages: 4))).All(item => item.Kind == ChangeKind.Unchanged), Is.True);
    }

    [Test]
    public async Task The_registry_login_is_decoded_into_a_user_and_a_password_that_no_log_holds()
    {
        var (_, outputs) = await ProvisionAsync(new ListLog(), Settings());
        var log = new ListLog();
        var redactor = new SecretRedactor();
        var settings = Settings();
        using var services = Connect(log, settings);

        var registry = await EcrRegistry.ResolveAsync(services.Registry, settings, redactor.Register, CancellationToken.None);

        var token = Run.Boto("ecr", "get_authorization_token")["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        var password = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':', 2)[1];
        Assert.That(registry.Login!.User, Is.EqualTo("AWS"));
        Assert.That(registry.Login.Password.Reveal(), Is.EqualTo(password).And.Not.Empty);
        Assert.That(registry.Repository, Is.EqualTo(outputs.RepositoryUri));
        Assert.That(registry.Address, Is.EqualTo(outputs.RepositoryUri![..outputs.RepositoryUri!.IndexOf('/')]));
        Assert.That(registry.Login.Address, Is.EqualTo(registry.Address));
        Assert.That(registry.HostsPullWithInstanceRole, Is.True);
        Assert.That(log.Lines, Has.Some.Contains("ecr GetAuthorizationToken"));
        Assert.That(string.Join('\n', log.Lines), Does.Not.Contain(password).And.Not.Contain(token));
        Assert.That(registry.ToString(), Does.Not.Contain(password));
        Assert.That(redactor.Redact($"login {password}"), Is.EqualTo("login ***"));
    }

    [Test]
    public async Task CheckRegistry_of_an_AWS_environment_finds_the_repository_and_its_login_and_prints_no_password()
    {
        await ProvisionAsync(new ListLog(), Settings());
        var token = Run.Boto("ecr", "get_authorization_token")["authorizationData"]![0]!["authorizationToken"]!.GetValue<string>();
        var password = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(token)).Split(':', 2)[1];

        var output = Run.Succeed("--target=CheckRegistry", "--verbosity=diagnostic");

        Assert.That(output, Does.Contain("ecr DescribeRepositories").And.Contain("ecr GetAuthorizationToken"));
        Assert.That(output, Does.Not.Contain(password).And.Not.Contain(token));
    }

    [Test]
    public void Plan_of_the_container_runtime_shows_the_repository_and_the_role_s_pull_and_makes_nothing()
    {
        var plan = Run.Succeed("--target=Plan", "--site_runtime=container", "--container_keepimages=5");

        Assert.That(plan, Does.Contain("create     ECR repository coralnet-emulator: tags immutable, scanned on push, keeping the newest 5 images"));
        Assert.That(plan, Does.Contain("IAM role policy coralnet-emulator-web/site-bucket: s3://coralnet-emulator-media and pulls from ECR coralnet-emulator only"));
        Assert.That(Run.Boto("ecr", "describe_repositories")["repositories"]!.AsArray(), Is.Empty, "Plan made nothing");
        Assert.That(Run.Succeed("--target=Plan"), Does.Not.Contain("ECR"), "the host runtime has no repository");
    }

    [Test]
    public void An_endpoint_that_does_not_answer_is_said_with_the_setting_that_names_it()
    {
        var settings = Settings();
        settings.Aws.Endpoint = "http://127.0.0.1:1";
        using var services = Connect(new ListLog(), settings);

        var error = Assert.ThrowsAsync<AwsUnreachableException>(() => EcrRegistry.ResolveAsync(services.Registry, settings, value => new Secret(value), CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("ECR, the registry of the site's images: no answer (").And.Contain("the endpoint http://127.0.0.1:1, from the setting Aws.Endpoint"));
    }

    [Test]
    public void Without_the_repository_the_registry_is_refused_saying_what_to_run()
    {
        var settings = Settings();
        using var services = Connect(new ListLog(), settings);

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => EcrRegistry.ResolveAsync(services.Registry, settings, value => new Secret(value), CancellationToken.None));

        Assert.That(error!.Message, Is.EqualTo(
            "The ECR repository coralnet-emulator does not exist: it is made by Provision when Site.Runtime is container; run ./build.sh --target=Provision --environment=emulator."));
    }
}
