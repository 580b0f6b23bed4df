using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.LoadBalancing;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>The load balancer of an environment with Aws.LoadBalancer, made, corrected and used for registrations against moto; checked through boto3.</summary>
public sealed partial class LoadBalancerEmulatorTests : EmulatorTests
{
    private string _certificate = "";

    [SetUp]
    public void RequestCertificate()
    {
        _certificate = Run.Boto("acm", "request_certificate", new { DomainName = "coralnet.emulator.test" })["CertificateArn"]!.GetValue<string>();
    }

    private string[] WithLoadBalancer(string target) => [target, "--tls_mode=off", "--aws_loadbalancer=true", $"--aws_certificatearn={_certificate}", "--aws_deregistrationdelayseconds=20", "--aws_webinstances=2", "--verbosity=diagnostic"];

    /// <summary>The suite's ELBv2 client, on the emulator.</summary>
    private ElbClient Elb(HttpClient http, ListLog log) => new(new QueryClient(http, new Uri(Run.Server.Url), "us-east-1", "elasticloadbalancing", ElbClient.ApiVersion,
        new QueryClientOptions(_ => Task.FromResult(new AwsSigningCredentials("emulator-key", "emulator-secret", null)), () => DateTime.UtcNow, Task.Delay, log.Verbose)));

    private JsonNode TargetGroup() => Run.Boto("elbv2", "describe_target_groups", new { Names = new[] { "coralnet-emulator-web" } })["TargetGroups"]![0]!;

    private JsonNode LoadBalancer() => Run.Boto("elbv2", "describe_load_balancers", new { Names = new[] { "coralnet-emulator-web" } })["LoadBalancers"]![0]!;

    private JsonArray Listeners() => Run.Boto("elbv2", "describe_listeners", new { LoadBalancerArn = LoadBalancer()["LoadBalancerArn"]!.GetValue<string>() })["Listeners"]!.AsArray();

    private JsonNode Listener(int port) => Listeners().Single(listener => (int)listener!["Port"]! == port)!;

    private string[] RegisteredTargets() =>
        Run.Boto("elbv2", "describe_target_health", new { TargetGroupArn = TargetGroup()["TargetGroupArn"]!.GetValue<string>() })["TargetHealthDescriptions"]!.AsArray()
            .Select(target => target!["Target"]!["Id"]!.GetValue<string>()).ToArray();

    private JsonNode Group(string name) =>
        Run.Boto("ec2", "describe_security_groups", new { Filters = new[] { new { Name = "tag:Name", Values = new[] { name } } } })["SecurityGroups"]![0]!;

    private static IEnumerable<string> Ingress(JsonNode group) => group["IpPermissions"]!.AsArray().SelectMany(permission =>
        permission!["IpRanges"]!.AsArray().Select(range => $"{permission["FromPort"]} from {range!["CidrIp"]}")
            .Concat(permission["Ipv6Ranges"]!.AsArray().Select(range => $"{permission["FromPort"]} from {range!["CidrIpv6"]}"))
            .Concat(permission["UserIdGroupPairs"]!.AsArray().Select(pair => $"{permission["FromPort"]} from {pair!["GroupId"]}")));

    private string WebInstanceId(string name = "coralnet-emulator-web") =>
        Run.Boto("ec2", "describe_instances", new { Filters = new[] { new { Name = "tag:Name", Values = new[] { name } } } })["Reservations"]![0]!["Instances"]![0]!["InstanceId"]!.GetValue<string>();

    private string[] WebInstanceIds() => [WebInstanceId(), WebInstanceId("coralnet-emulator-web-2")];

    [GeneratedRegex(@"elasticloadbalancing (\w+) ")]
    private static partial Regex ElbCall();

    private static IEnumerable<string> ElbActions(string output) => ElbCall().Matches(output).Select(match => "elasticloadbalancing:" + match.Groups[1].Value);

    [Test]
    public void An_empty_account_gets_the_load_balancer_its_groups_target_group_listeners_and_registration_then_nothing_to_do()
    {
        var plan = Run.Succeed(WithLoadBalancer("--target=Plan"));
        Assert.That(plan, Does.Contain("create     security group coralnet-emulator-lb: ingress tcp 80 from 0.0.0.0/0, tcp 80 from ::/0, tcp 443 from 0.0.0.0/0, tcp 443 from ::/0")
            .And.Contain("create     security group coralnet-emulator-web: ingress tcp 22 from 203.0.113.7/32, tcp 80 from (the load balancer's group, once made)")
            .And.Contain("create     load balancer coralnet-emulator-web: application, internet-facing")
            .And.Contain("create     target group coralnet-emulator-web: HTTP 80 in vpc-")
            .And.Contain("create     listener 443 HTTPS of coralnet-emulator-web: HTTPS with " + _certificate)
            .And.Contain("create     listener 80 HTTP of coralnet-emulator-web: HTTP, redirect to HTTPS:443 (HTTP_301)")
            .And.Contain("create     EC2 instance coralnet-emulator-web-2")
            .And.Contain("create     Elastic IP coralnet-emulator-web-2")
            .And.Contain("create     targets of coralnet-emulator-web: register coralnet-emulator-web, coralnet-emulator-web-2"));
        Assert.That(Run.Boto("elbv2", "describe_load_balancers")["LoadBalancers"]!.AsArray(), Is.Empty, "Plan made nothing");

        var provision = Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));

        var loadBalancer = LoadBalancer();
        var balancerGroup = Group("coralnet-emulator-lb");
        var webGroup = Group("coralnet-emulator-web");
        Assert.That(loadBalancer["Type"]!.GetValue<string>(), Is.EqualTo("application"));
        Assert.That(loadBalancer["Scheme"]!.GetValue<string>(), Is.EqualTo("internet-facing"));
        Assert.That(loadBalancer["SecurityGroups"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { balancerGroup["GroupId"]!.GetValue<string>() }));
        Assert.That(loadBalancer["AvailabilityZones"]!.AsArray(), Has.Count.GreaterThanOrEqualTo(2));
        Assert.That(Ingress(balancerGroup), Is.EquivalentTo(new[] { "80 from 0.0.0.0/0", "80 from ::/0", "443 from 0.0.0.0/0", "443 from ::/0" }));
        Assert.That(Ingress(webGroup), Is.EquivalentTo(new[] { "22 from 203.0.113.7/32", $"80 from {balancerGroup["GroupId"]}" }));

        var targetGroup = TargetGroup();
        Assert.That(targetGroup["Protocol"]!.GetValue<string>(), Is.EqualTo("HTTP"));
        Assert.That((int)targetGroup["Port"]!, Is.EqualTo(80));
        Assert.That(targetGroup["HealthCheckPath"]!.GetValue<string>(), Is.EqualTo("/health/"));
        Assert.That(new[] { (int)targetGroup["HealthCheckIntervalSeconds"]!, (int)targetGroup["HealthCheckTimeoutSeconds"]!, (int)targetGroup["HealthyThresholdCount"]!, (int)targetGroup["UnhealthyThresholdCount"]! },
            Is.EqualTo(new[] { 5, 4, 2, 2 }), "a host put back is healthy within seconds, not AWS's default of minutes");
        Assert.That(targetGroup["Matcher"]!["HttpCode"]!.GetValue<string>(), Is.EqualTo("200"));
        var attributes = Run.Boto("elbv2", "describe_target_group_attributes", new { TargetGroupArn = targetGroup["TargetGroupArn"]!.GetValue<string>() })["Attributes"]!.AsArray();
        Assert.That(attributes.Single(a => a!["Key"]!.GetValue<string>() == "deregistration_delay.timeout_seconds")!["Value"]!.GetValue<string>(), Is.EqualTo("20"));
        var tags = Run.Boto("elbv2", "describe_tags", new { ResourceArns = new[] { loadBalancer["LoadBalancerArn"]!.GetValue<string>(), targetGroup["TargetGroupArn"]!.GetValue<string>() } })["TagDescriptions"]!.AsArray();
        Assert.That(tags.Select(description => string.Join(",", description!["Tags"]!.AsArray().Select(tag => $"{tag!["Key"]}={tag["Value"]}").Order())),
            Is.All.EqualTo("Environment=emulator,Name=coralnet-emulator-web,Project=coralnet"));

        var https = Listener(443);
        Assert.That(https["Protocol"]!.GetValue<string>(), Is.EqualTo("HTTPS"));
        Assert.That(https["Certificates"]![0]!["CertificateArn"]!.GetValue<string>(), Is.EqualTo(_certificate));
        Assert.That(https["DefaultActions"]![0]!["TargetGroupArn"]!.GetValue<string>(), Is.EqualTo(targetGroup["TargetGroupArn"]!.GetValue<string>()));
        var redirect = Listener(80)["DefaultActions"]![0]!;
        Assert.That(redirect["Type"]!.GetValue<string>(), Is.EqualTo("redirect"));
        Assert.That(redirect["RedirectConfig"]!["Protocol"]!.GetValue<string>(), Is.EqualTo("HTTPS"));
        Assert.That(redirect["RedirectConfig"]!["Port"]!.GetValue<string>(), Is.EqualTo("443"));
        Assert.That(RegisteredTargets(), Is.EquivalentTo(WebInstanceIds()));
        var addresses = Run.Boto("ec2", "describe_addresses", new { Filters = new[] { new { Name = "tag:Project", Values = new[] { "coralnet" } } } })["Addresses"]!.AsArray();
        Assert.That(addresses.Select(address => address!["InstanceId"]!.GetValue<string>()), Is.EquivalentTo(WebInstanceIds()));
        Assert.That(provision, Does.Match(@"web host 127\.[0-9.]+ \(coralnet-emulator-web[,)]").And.Match(@"web host 127\.[0-9.]+ \(coralnet-emulator-web-2[,)]"));
        Assert.That(provision, Does.Contain($"; load balancer {loadBalancer["DNSName"]} (the site's DNS names point here)"));

        var second = Run.Succeed(WithLoadBalancer("--target=Plan"));
        Assert.That(second, Does.Contain("Plan: nothing to do"));
        Assert.That(ElbActions(provision + second).Distinct(), Is.EquivalentTo(new[]
        {
            "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:CreateLoadBalancer",
            "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes", "elasticloadbalancing:CreateListener",
            "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DescribeTags", "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeTargetHealth",
        }));
    }

    [Test]
    public void Drift_of_the_load_balancer_is_planned_corrected_and_then_clean_and_the_deploy_policy_allows_exactly_the_ELBv2_calls_made()
    {
        var provision = Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));
        var targetGroupArn = TargetGroup()["TargetGroupArn"]!.GetValue<string>();
        var instance = WebInstanceId();
        Run.Boto("elbv2", "modify_listener", new { ListenerArn = Listener(80)["ListenerArn"]!.GetValue<string>(), DefaultActions = new[] { new { Type = "forward", TargetGroupArn = targetGroupArn } } });
        Run.Boto("elbv2", "modify_target_group", new { TargetGroupArn = targetGroupArn, HealthCheckPath = "/", HealthyThresholdCount = 5 });
        Run.Boto("elbv2", "modify_target_group_attributes", new { TargetGroupArn = targetGroupArn, Attributes = new[] { new { Key = "deregistration_delay.timeout_seconds", Value = "300" } } });
        Run.Boto("elbv2", "deregister_targets", new { TargetGroupArn = targetGroupArn, Targets = new[] { new { Id = instance } } });
        var stray = Run.Boto("ec2", "run_instances", new { ImageId = "ami-785db401", MinCount = 1, MaxCount = 1 })["Instances"]![0]!["InstanceId"]!.GetValue<string>();
        Run.Boto("elbv2", "register_targets", new { TargetGroupArn = targetGroupArn, Targets = new[] { new { Id = stray } } });
        var balancerGroup = Group("coralnet-emulator-lb")["GroupId"]!.GetValue<string>();
        var otherGroup = Run.Boto("ec2", "create_security_group", new { GroupName = "hand-made", Description = "made by hand" })["GroupId"]!.GetValue<string>();
        Run.Boto("elbv2", "set_security_groups", new { LoadBalancerArn = LoadBalancer()["LoadBalancerArn"]!.GetValue<string>(), SecurityGroups = new[] { balancerGroup, otherGroup } });
        Run.Boto("elbv2", "delete_listener", new { ListenerArn = Listener(443)["ListenerArn"]!.GetValue<string>() });
        var webGroup = Group("coralnet-emulator-web")["GroupId"]!.GetValue<string>();
        Run.Boto("ec2", "authorize_security_group_ingress", new { GroupId = webGroup, IpProtocol = "tcp", FromPort = 443, ToPort = 443, CidrIp = "0.0.0.0/0" });

        var plan = Run.Succeed(WithLoadBalancer("--target=Plan"));
        Assert.That(plan, Does.Contain($"update     listener 80 HTTP of coralnet-emulator-web: HTTP, forward to {targetGroupArn}, not HTTP, redirect to HTTPS:443 (HTTP_301)")
            .And.Contain("health check / every 5 s (timeout 4 s), healthy after 5, unhealthy after 2, passing on HTTP 200, not /health/ every 5 s (timeout 4 s), healthy after 2,")
            .And.Contain("deregistration delay 300 s, not 20 s")
            .And.Contain($"{instance} not registered")
            .And.Contain($"{stray} registered but not a web instance of this environment")
            .And.Contain($"security groups {balancerGroup}, {otherGroup}, not coralnet-emulator-lb only")
            .And.Contain($"create     listener 443 HTTPS of coralnet-emulator-web: HTTPS with {_certificate}, forward to {targetGroupArn}")
            .And.Contain("update     security group coralnet-emulator-web: ingress tcp 443 from 0.0.0.0/0 not wanted")
            .And.Contain("Plan: 1 to create, 5 to update."));

        var corrected = Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));
        Assert.That(Run.Succeed(WithLoadBalancer("--target=Plan")), Does.Contain("Plan: nothing to do"));
        Assert.That(Listener(80)["DefaultActions"]![0]!["Type"]!.GetValue<string>(), Is.EqualTo("redirect"));
        Assert.That(Listener(443)["Certificates"]![0]!["CertificateArn"]!.GetValue<string>(), Is.EqualTo(_certificate));
        Assert.That(Ingress(Group("coralnet-emulator-web")), Is.EquivalentTo(new[] { "22 from 203.0.113.7/32", $"80 from {balancerGroup}" }));
        Assert.That(TargetGroup()["HealthCheckPath"]!.GetValue<string>(), Is.EqualTo("/health/"));
        Assert.That((int)TargetGroup()["HealthyThresholdCount"]!, Is.EqualTo(2));
        Assert.That(RegisteredTargets(), Is.EquivalentTo(WebInstanceIds()));
        Assert.That(LoadBalancer()["SecurityGroups"]!.AsArray().Select(g => g!.GetValue<string>()), Is.EqualTo(new[] { balancerGroup }));

        // Every ELBv2 action these runs made is allowed, and nothing else but tagging while creating (AddTags).
        var settings = AwsProvisionerTests.Settings();
        settings.Aws.LoadBalancer = true;
        var allowed = DeployPolicy.Statements(settings, "us-east-1").SelectMany(statement => statement.Actions).Where(action => action.StartsWith("elasticloadbalancing:", StringComparison.Ordinal));
        var called = ElbActions(provision + plan + corrected).Distinct();
        Assert.That(allowed, Is.EquivalentTo(called.Append("elasticloadbalancing:AddTags")));
    }

    [Test]
    public async Task The_registration_calls_of_a_rolling_deploy_drain_an_instance_and_bring_it_back_healthy()
    {
        Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));
        var instance = WebInstanceId();
        var log = new ListLog();
        using var http = new HttpClient();
        var elb = Elb(http, log);
        var wait = new WaitOptions(TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200), Task.Delay);
        var registrations = new TargetRegistrations(elb, TargetGroup()["TargetGroupArn"]!.GetValue<string>(), wait, wait, log);

        await registrations.DeregisterAsync([instance], CancellationToken.None);
        await registrations.WaitDrainedAsync([instance], CancellationToken.None);
        Assert.That(RegisteredTargets(), Is.EqualTo(new[] { WebInstanceId("coralnet-emulator-web-2") }), "the other instance keeps serving");
        Assert.That(log.Lines, Has.Some.StartsWith($"INFO targets {instance}: {instance} unused after"));

        await registrations.RegisterAsync([instance], CancellationToken.None);
        await registrations.WaitHealthyAsync([instance], CancellationToken.None);
        Assert.That(RegisteredTargets(), Is.EquivalentTo(WebInstanceIds()));
        Assert.That(log.Lines, Has.Some.StartsWith($"INFO targets {instance}: {instance} healthy after"));

        Run.Boto("ec2", "stop_instances", new { InstanceIds = new[] { instance }, Force = true });
        var brief = new WaitOptions(TimeSpan.FromMilliseconds(600), TimeSpan.FromMilliseconds(200), Task.Delay);
        var stopped = new TargetRegistrations(elb, TargetGroup()["TargetGroupArn"]!.GetValue<string>(), brief, brief, log);
        var timeout = Assert.ThrowsAsync<TimeoutException>(() => stopped.WaitHealthyAsync([instance], CancellationToken.None));
        Assert.That(timeout!.Message, Does.StartWith($"targets {instance}: still '{instance} unused'"));
    }

    [Test]
    public async Task As_a_rolling_deploys_load_balancer_the_target_group_drains_a_host_and_says_which_serve()
    {
        Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));
        var log = new ListLog();
        using var services = Connect(log);
        var balancer = await AlbLoadBalancer.FindAsync(services, RollSettings(), log, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        SshTarget[] first = [new("coralnet-emulator-web", "192.0.2.1")];

        Assert.That(await balancer.ServingAsync(CancellationToken.None), Is.EqualTo(new[] { "coralnet-emulator-web", "coralnet-emulator-web-2" }));
        await balancer.DrainAsync(first, CancellationToken.None);
        Assert.That(await balancer.ServingAsync(CancellationToken.None), Is.EqualTo(new[] { "coralnet-emulator-web-2" }));
        Assert.That(RegisteredTargets(), Is.EqualTo(new[] { WebInstanceId("coralnet-emulator-web-2") }));

        await balancer.EnableAsync(first, CancellationToken.None);
        await balancer.WaitHealthyAsync(first, CancellationToken.None);
        Assert.That(await balancer.ServingAsync(CancellationToken.None), Is.EqualTo(new[] { "coralnet-emulator-web", "coralnet-emulator-web-2" }));
        Assert.That(() => balancer.EnableAsync([new("web9", "192.0.2.9")], CancellationToken.None), Throws.TypeOf<LoadBalancerException>().With.Message.EqualTo("web9 is not a web instance of the target group."));
    }

    [Test]
    public void Without_its_target_group_the_roll_names_Provision() =>
        Assert.That(async () =>
        {
            var log = new ListLog();
            using var services = Connect(log);
            await AlbLoadBalancer.FindAsync(services, RollSettings(), log, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        }, Throws.TypeOf<LoadBalancerException>().With.Message.EqualTo("No target group coralnet-emulator-web in this account and region: run ./build.sh --target=Provision --environment=emulator first."));

    [TestCase("--aws_certificatearn=", "Aws.CertificateArn: the load balancer's HTTPS listener needs an ACM certificate")]
    [TestCase("--aws_certificatearn=arn:aws:iam::123456789012:server-certificate/site", "Aws.CertificateArn: 'arn:aws:iam::123456789012:server-certificate/site' is not an ACM certificate ARN")]
    [TestCase("--aws_certificatearn=arn:aws:acm:eu-west-1:123456789012:certificate/abc", "Aws.CertificateArn: the certificate is in eu-west-1, the load balancer in us-east-1")]
    [TestCase("--aws_deregistrationdelayseconds=7200", "Aws.DeregistrationDelaySeconds")]
    [TestCase("--aws_webinstances=0", "Aws.WebInstances: 0 is not a number of web instances from 1 to 20.")]
    public void A_bad_load_balancer_setting_gives_one_clear_line_and_makes_nothing(string argument, string message)
    {
        var certificate = argument.StartsWith("--aws_certificatearn=", StringComparison.Ordinal) ? argument : $"--aws_certificatearn={_certificate}";
        Run.Refuses(message, "--target=ProvisionAws", "--tls_mode=off", "--aws_loadbalancer=true", certificate, argument);
        Assert.That(Run.Boto("elbv2", "describe_load_balancers")["LoadBalancers"]!.AsArray(), Is.Empty);
    }

    [TestCase("--aws_certificatearn=arn:aws:acm:us-east-1:123456789012:certificate/abc", "Aws.CertificateArn: set, but there is no load balancer to use it; set Aws.LoadBalancer to true")]
    [TestCase("--aws_webinstances=2", "Aws.WebInstances: 2 instances need a load balancer to share the site's traffic; set Aws.LoadBalancer to true")]
    public void Load_balancer_settings_without_a_load_balancer_are_refused(string argument, string message) =>
        Run.Refuses(message, "--target=ProvisionAws", argument);
}
