using System.Text.Json.Nodes;
using CoralNet.Deploy.Aws;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>The rendered deploy policy cannot make its holder account admin: the role is bounded, launches are conditioned.</summary>
public sealed class DeployPolicyTests
{
    private static JsonArray RenderedStatements()
    {
        var settings = AwsProvisionerTests.Settings();
        settings.Aws.InstanceType = "t3.medium";
        return JsonNode.Parse(DeployPolicy.Render(settings, "us-west-2"))!["Statement"]!.AsArray();
    }

    private static IEnumerable<JsonNode> Granting(string action) =>
        RenderedStatements().OfType<JsonNode>().Where(statement => statement["Action"]!.AsArray().Any(a => a!.GetValue<string>() == action));

    [TestCase("iam:CreateRole")]
    [TestCase("iam:PutRolePolicy")]
    [TestCase("iam:PutRolePermissionsBoundary")]
    public void Role_changes_require_the_suite_s_boundary(string action)
    {
        var statement = Granting(action).Single();
        Assert.That(statement["Condition"]!["StringLike"]!["iam:PermissionsBoundary"]!.GetValue<string>(), Is.EqualTo("arn:aws:iam::*:policy/coralnet-production-web-boundary"));
        Assert.That(statement["Resource"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "arn:aws:iam::*:role/coralnet-production-web" }));
    }

    [Test]
    public void The_boundary_can_be_read_and_created_but_never_changed_or_detached()
    {
        var actions = RenderedStatements().SelectMany(statement => statement!["Action"]!.AsArray().Select(a => a!.GetValue<string>())).ToList();
        Assert.That(actions, Does.Contain("iam:CreatePolicy"));
        Assert.That(actions, Has.None.AnyOf("iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion", "iam:DeleteRolePermissionsBoundary", "iam:DeletePolicy", "iam:AttachRolePolicy"));
        Assert.That(Granting("iam:CreatePolicy").Single()["Resource"]!.AsArray().Select(r => r!.GetValue<string>()), Is.EqualTo(new[] { "arn:aws:iam::*:policy/coralnet-production-web-boundary" }));
    }

    [Test]
    public void The_role_is_passed_to_EC2_only()
    {
        var statement = Granting("iam:PassRole").Single();
        Assert.That(statement["Condition"]!["StringEquals"]!["iam:PassedToService"]!.GetValue<string>(), Is.EqualTo("ec2.amazonaws.com"));
    }

    [Test]
    public void RunInstances_makes_only_the_configured_instance_with_encrypted_volumes()
    {
        var launches = Granting("ec2:RunInstances").ToDictionary(statement => statement["Sid"]!.GetValue<string>());
        var instance = launches["LaunchOnlyTheConfiguredInstance"];
        Assert.That(instance["Resource"]!.AsArray().Single()!.GetValue<string>(), Is.EqualTo("arn:aws:ec2:us-west-2:*:instance/*"));
        var equals = instance["Condition"]!["StringEquals"]!;
        Assert.That(equals["ec2:InstanceType"]!.GetValue<string>(), Is.EqualTo("t3.medium"));
        Assert.That(equals["ec2:MetadataHttpTokens"]!.GetValue<string>(), Is.EqualTo("required"));
        Assert.That(equals["aws:RequestTag/Project"]!.GetValue<string>(), Is.EqualTo("coralnet"));
        Assert.That(equals["aws:RequestTag/Environment"]!.GetValue<string>(), Is.EqualTo("production"));
        var volumes = launches["LaunchOnlyEncryptedVolumes"];
        Assert.That(volumes["Condition"]!["Bool"]!["ec2:Encrypted"]!.GetValue<string>(), Is.EqualTo("true"));
        // Every RunInstances grant names its resources: none is "*", so no other instance or volume can be made.
        Assert.That(launches.Values.SelectMany(statement => statement["Resource"]!.AsArray()).Select(r => r!.GetValue<string>()), Has.None.EqualTo("*"));
    }

    [Test]
    public void CreateDBInstance_may_use_the_suite_s_parameter_group_and_the_default_option_group()
    {
        var resources = Granting("rds:CreateDBInstance").Single()["Resource"]!.AsArray().Select(r => r!.GetValue<string>()).ToList();
        Assert.That(resources, Does.Contain("arn:aws:rds:us-west-2:*:pg:coralnet-production-db-postgres*").And.Contain("arn:aws:rds:us-west-2:*:og:default:postgres-*"));
    }

    [Test]
    public void Without_a_load_balancer_no_ELBv2_action_is_granted()
    {
        var actions = RenderedStatements().SelectMany(statement => statement!["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.That(actions, Has.None.StartsWith("elasticloadbalancing:").And.None.EqualTo("ec2:DescribeSubnets"));
    }

    [Test]
    public void The_load_balancer_is_created_only_with_the_environment_s_tags_and_changed_only_where_it_carries_them()
    {
        var settings = AwsProvisionerTests.Settings();
        settings.Aws.LoadBalancer = true;
        var statements = JsonNode.Parse(DeployPolicy.Render(settings, "us-west-2"))!["Statement"]!.AsArray().OfType<JsonNode>().ToList();
        JsonNode Granting(string action) => statements.Single(statement => statement["Action"]!.AsArray().Any(a => a!.GetValue<string>() == action));

        var create = Granting("elasticloadbalancing:CreateLoadBalancer");
        Assert.That(create["Condition"]!["StringEquals"]!["aws:RequestTag/Environment"]!.GetValue<string>(), Is.EqualTo("production"));
        Assert.That(create["Resource"]!.AsArray().Select(r => r!.GetValue<string>()), Does.Contain("arn:aws:elasticloadbalancing:us-west-2:*:loadbalancer/app/coralnet-production-web/*"));
        var change = Granting("elasticloadbalancing:ModifyListener");
        Assert.That(change["Condition"]!["StringEquals"]!["aws:ResourceTag/Project"]!.GetValue<string>(), Is.EqualTo("coralnet"));
        Assert.That(change["Resource"]!.AsArray().Select(r => r!.GetValue<string>()), Has.None.EqualTo("*"));
        var tagging = Granting("elasticloadbalancing:AddTags");
        Assert.That(tagging["Condition"]!["StringEquals"]!["elasticloadbalancing:CreateAction"]!.AsArray().Select(a => a!.GetValue<string>()),
            Is.EquivalentTo(new[] { "CreateLoadBalancer", "CreateTargetGroup", "CreateListener" }));
    }

    [Test]
    public void Without_the_container_runtime_no_ECR_action_is_granted()
    {
        var actions = RenderedStatements().SelectMany(statement => statement!["Action"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.That(actions, Has.None.StartsWith("ecr:"));
    }

    [Test]
    public void ECR_is_granted_on_the_site_s_repository_only_but_the_account_wide_login()
    {
        var settings = AwsProvisionerTests.Settings();
        settings.Site.Runtime = CoralNet.Deploy.Settings.SiteRuntime.Container;
        var statements = JsonNode.Parse(DeployPolicy.Render(settings, "us-west-2"))!["Statement"]!.AsArray().OfType<JsonNode>()
            .Where(statement => statement["Action"]!.AsArray().Any(a => a!.GetValue<string>().StartsWith("ecr:", StringComparison.Ordinal)))
            .ToDictionary(statement => statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()).ToHashSet(), statement => statement["Resource"]!.AsArray().Select(r => r!.GetValue<string>()).ToList());

        var login = statements.Single(statement => statement.Key.Contains("ecr:GetAuthorizationToken"));
        Assert.That(login.Key, Is.EquivalentTo(new[] { "ecr:GetAuthorizationToken" }));
        Assert.That(login.Value, Is.EqualTo(new[] { "*" }));
        var repository = statements.Single(statement => !statement.Key.Contains("ecr:GetAuthorizationToken"));
        Assert.That(repository.Value, Is.EqualTo(new[] { "arn:aws:ecr:us-west-2:*:repository/coralnet-production" }));
        Assert.That(repository.Key, Is.EquivalentTo(EcrActions.Provision.Union(EcrActions.Push)));
        Assert.That(repository.Key, Has.None.AnyOf("ecr:DeleteRepository", "ecr:BatchDeleteImage", "ecr:SetRepositoryPolicy", "ecr:DeleteLifecyclePolicy"));
    }

    [Test]
    public void The_web_role_pulls_the_site_s_images_only_with_the_container_runtime()
    {
        var host = JsonNode.Parse(PolicyDocument.WebRolePolicy("coralnet-media", null))!.ToJsonString();
        Assert.That(host, Does.Not.Contain("ecr:"));

        var container = JsonNode.Parse(PolicyDocument.WebRolePolicy("coralnet-media", "arn:aws:ecr:us-west-2:*:repository/coralnet-production"))!["Statement"]!.AsArray().OfType<JsonNode>()
            .ToDictionary(statement => statement["Sid"]!.GetValue<string>(), statement => (
                Actions: statement["Action"]!.AsArray().Select(a => a!.GetValue<string>()).ToList(),
                Resources: statement["Resource"]!.AsArray().Select(r => r!.GetValue<string>()).ToList()));
        Assert.That(container["LogInToTheRegistry"], Is.EqualTo((new List<string> { "ecr:GetAuthorizationToken" }, new List<string> { "*" })));
        Assert.That(container["PullTheSiteImages"].Actions, Is.EquivalentTo(new[] { "ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability" }));
        Assert.That(container["PullTheSiteImages"].Resources, Is.EqualTo(new[] { "arn:aws:ecr:us-west-2:*:repository/coralnet-production" }));
    }
}

