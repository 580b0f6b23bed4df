using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>Provision and Plan against a fake AWS: what is made, in which order, what is read, and what never leaks (drift: AwsProvisionerTests.Drift.cs).</summary>
public sealed partial class AwsProvisionerTests
{
    private const string MasterPassword = "Master-Passw0rd-that-must-not-leak";
    internal const string PublicKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIIyakhF1D4cDBI5rg6VjCTneJRkLQcWM+LPoXIt7IL9N operator@laptop";

    /// <summary>After a Provision, its outputs are read back by tags.</summary>
    private static readonly string[] OutputLookupCalls = ["ec2:DescribeAddresses", "ec2:DescribeInstances", "rds:DescribeDBInstances"];

    /// <summary>Every resource is read before anything changes; then the changes in order, and the waits together at the end.</summary>
    private static readonly string[] FirstProvisionCalls =
    [
        "sts:GetCallerIdentity",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups", "ec2:DescribeKeyPairs",
        "iam:GetPolicy", "iam:GetRole", "iam:GetRolePolicy", "iam:GetInstanceProfile",
        "s3:GetBucketLocation", "rds:DescribeDBParameterGroups", "rds:DescribeDBInstances",
        "ec2:DescribeInstances", "ssm:GetParameter", "ec2:DescribeImages", "ec2:DescribeAddresses",
        "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress", "ec2:CreateSecurityGroup", "ec2:AuthorizeSecurityGroupIngress",
        "ec2:ImportKeyPair",
        "iam:CreatePolicy", "iam:CreateRole", "iam:PutRolePolicy", "iam:CreateInstanceProfile", "iam:AddRoleToInstanceProfile",
        "s3:CreateBucket", "s3:PutBucketTagging", "s3:PutBucketCORS", "s3:PutBucketPublicAccessBlock", "s3:PutEncryptionConfiguration",
        "s3:PutBucketVersioning", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy",
        "rds:CreateDBParameterGroup", "rds:ModifyDBParameterGroup", "rds:CreateDBInstance",
        "ec2:RunInstances", "ec2:DescribeInstances", "ec2:DescribeInstanceAttribute",
        "ec2:AllocateAddress", "ec2:AssociateAddress",
        "ec2:GetConsoleOutput",
        "rds:DescribeDBInstances", "rds:DescribeDBInstances",
        .. OutputLookupCalls,
    ];

    private static readonly string[] SecondProvisionCalls =
    [
        "sts:GetCallerIdentity",
        "ec2:DescribeSecurityGroups", "ec2:DescribeSecurityGroups",
        "ec2:DescribeKeyPairs",
        "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetRole", "iam:GetRolePolicy", "iam:GetInstanceProfile",
        "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:GetBucketCORS", "s3:GetBucketPublicAccessBlock", "s3:GetEncryptionConfiguration",
        "s3:GetBucketVersioning", "s3:GetBucketOwnershipControls", "s3:GetBucketPolicy",
        "rds:DescribeDBParameterGroups", "rds:DescribeDBParameters", "rds:DescribeDBInstances",
        "ec2:DescribeInstances", "ec2:DescribeInstanceAttribute",
        "ec2:DescribeAddresses",
        "ec2:GetConsoleOutput",
        .. OutputLookupCalls,
    ];

    private string _root = "";

    [SetUp]
    public void SetUp()
    {
        _root = Directory.CreateTempSubdirectory("aws-plan-").FullName;
        File.WriteAllText(Path.Combine(_root, "operator.pub"), PublicKey + "\n");
    }

    [TearDown]
    public void TearDown() => Directory.Delete(_root, recursive: true);

    internal static DeploySettings Settings() => new()
    {
        Environment = "production",
        Provider = ProviderKind.Aws,
        Site = { Name = "coralnet", Domain = "coralnet.example.org" },
        Ssh = { KnownHosts = "environments/production.known_hosts" },
        Aws =
        {
            Region = "us-west-2",
            KeyName = "coralnet-deploy",
            PublicKey = "operator.pub",
            OperatorCidrs = ["203.0.113.7/32"],
            BucketName = "coralnet-media-test",
        },
    };

    private AwsProvisioner Provisioner(FakeAws fake, ListLog log, DeploySettings? settings = null) =>
        new(settings ?? Settings(), _root, new Secret(MasterPassword), fake.Services(), new WaitOptions(TimeSpan.FromSeconds(30), TimeSpan.Zero, (_, _) => Task.CompletedTask), log);

    [Test]
    public async Task First_provision_creates_everything_and_the_second_has_nothing_to_do()
    {
        var fake = new FakeAws();
        var log = new ListLog();

        var first = await Provisioner(fake, log).ProvisionAsync(CancellationToken.None);
        var firstCalls = fake.Calls.ToList();
        fake.Calls.Clear();
        var second = await Provisioner(fake, log).ProvisionAsync(CancellationToken.None);

        TestContext.Out.WriteLine("First Provision: " + string.Join(", ", firstCalls));
        TestContext.Out.WriteLine("Second Provision: " + string.Join(", ", fake.Calls));
        Assert.That(first.Select(change => change.Kind), Is.All.EqualTo(ChangeKind.Create));
        Assert.That(first, Has.Count.EqualTo(13));
        Assert.That(second, Is.Empty);
        Assert.That(firstCalls, Is.EqualTo(FirstProvisionCalls));
        Assert.That(fake.Calls, Is.EqualTo(SecondProvisionCalls));
        Assert.That(log.Lines, Has.Some.EqualTo("INFO Provision: nothing to do, every resource matches the settings."));
    }

    [Test]
    public async Task The_database_and_the_host_keys_are_waited_for_together_after_everything_is_asked_for()
    {
        // The keys are printed at the third read: the one made with the launch and the wait's first find none.
        var fake = new FakeAws { ConsoleReadsWithoutKeys = 2 };
        var log = new ListLog();
        // A wait's sleep ends only once the other wait sleeps too (or after 5 s): waits run one after the other never
        // sleep at once, and waits that overlap poll in the order asserted below whatever the machine's load.
        var sleeping = 0;
        var met = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        async Task Sleep(TimeSpan interval, CancellationToken cancellation)
        {
            if (Interlocked.Increment(ref sleeping) == 2)
            {
                met.TrySetResult();
            }

            await Task.WhenAny(met.Task, Task.Delay(TimeSpan.FromSeconds(5), cancellation));
            Interlocked.Decrement(ref sleeping);
        }

        var wait = new WaitOptions(TimeSpan.FromSeconds(30), TimeSpan.FromMilliseconds(10), Sleep);

        await new AwsProvisioner(Settings(), _root, new Secret(MasterPassword), fake.Services(), wait, log).ProvisionAsync(CancellationToken.None);

        Assert.That(met.Task.IsCompleted, Is.True, "the two waits slept at the same time");

        // Nothing waited before the last change (the Elastic IP); then the launch's read of the console,
        // and the two waits overlapping: each one's first poll before the other's last.
        var waits = fake.Calls.SkipWhile(call => call != "ec2:AssociateAddress").Skip(1).SkipLast(OutputLookupCalls.Length).ToList();
        Assert.That(waits, Is.EquivalentTo(new[] { "ec2:GetConsoleOutput", "rds:DescribeDBInstances", "ec2:GetConsoleOutput", "rds:DescribeDBInstances", "ec2:GetConsoleOutput" }));
        Assert.That(waits.IndexOf("ec2:GetConsoleOutput", 1), Is.LessThan(waits.LastIndexOf("rds:DescribeDBInstances")), string.Join(", ", waits));
        Assert.That(waits.IndexOf("rds:DescribeDBInstances"), Is.LessThan(waits.LastIndexOf("ec2:GetConsoleOutput")), string.Join(", ", waits));
        Assert.That(log.Lines, Has.Some.Matches<string>(line => line.StartsWith("INFO host keys of", StringComparison.Ordinal) && line.Contains(": 2 keys after")));
    }

    [Test]
    public async Task First_provision_gives_every_resource_the_attributes_of_the_settings()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);

        var web = fake.Groups.Single(g => g.GroupName == "coralnet-production-web");
        var database = fake.Groups.Single(g => g.GroupName == "coralnet-production-db");
        Assert.That(IngressRule.FromPermissions(web.IpPermissions).Select(r => r.ToString()), Is.EquivalentTo(new[]
        {
            "tcp 22 from 203.0.113.7/32", "tcp 80 from 0.0.0.0/0", "tcp 80 from ::/0", "tcp 443 from 0.0.0.0/0", "tcp 443 from ::/0",
        }));
        Assert.That(IngressRule.FromPermissions(database.IpPermissions).Select(r => r.ToString()), Is.EqualTo(new[] { $"tcp 5432 from {web.GroupId}" }));
        Assert.That(web.Tags.Select(t => $"{t.Key}={t.Value}"), Is.EquivalentTo(new[] { "Project=coralnet", "Environment=production", "Name=coralnet-production-web" }));

        Assert.That(fake.ImportedKeyMaterial, Is.EqualTo(new[] { PublicKey }));

        var launch = fake.Launches.Single();
        Assert.That(launch.ImageId, Is.EqualTo("ami-0123456789abcdef0"), "Debian 12's current image, from SSM's public parameter");
        Assert.That(launch.DisableApiTermination, Is.True);
        Assert.That(launch.KeyName, Is.EqualTo("coralnet-deploy"));
        Assert.That(launch.SecurityGroupIds, Is.EqualTo(new[] { web.GroupId }));
        Assert.That(launch.IamInstanceProfile.Name, Is.EqualTo("coralnet-production-web"));
        Assert.That(launch.BlockDeviceMappings.Single().DeviceName, Is.EqualTo("/dev/sda1"));
        Assert.That(launch.BlockDeviceMappings.Single().Ebs.DeleteOnTermination, Is.False);
        Assert.That(fake.TerminationProtection.Values.Single(), Is.True);
        Assert.That(fake.Addresses.Single().InstanceId, Is.EqualTo(fake.Instances.Single().InstanceId));

        var db = fake.DatabaseSpecs.Single();
        Assert.That(db.PubliclyAccessible, Is.False);
        Assert.That(db.VpcSecurityGroupIds, Is.EqualTo(new[] { database.GroupId }));
        Assert.That(db.BackupRetentionPeriod, Is.EqualTo(7));
        Assert.That(db.MasterPassword.Reveal(), Is.EqualTo(MasterPassword));
        Assert.That(fake.Databases.Single().Value.DeletionProtection, Is.True);

        Assert.That(fake.Buckets["coralnet-media-test"], Does.ContainKey("Project").WithValue("coralnet"));
        var cors = fake.Cors["coralnet-media-test"].Rules.Single();
        Assert.That((cors.AllowedMethods, cors.AllowedOrigins, cors.AllowedHeaders, cors.MaxAgeSeconds), Is.EqualTo((new List<string> { "GET" }, new List<string> { "*" }, new List<string> { "Authorization" }, 3000)));
        var block = fake.Blocks["coralnet-media-test"];
        Assert.That(new[] { block.BlockPublicAcls, block.IgnorePublicAcls, block.BlockPublicPolicy, block.RestrictPublicBuckets }, Is.All.True);
        Assert.That(fake.BucketPolicies["coralnet-media-test"], Does.Contain("aws:SecureTransport").And.Not.Contain("aws:Referer"));
        Assert.That(fake.RolePolicies.Single().Value, Does.Contain("arn:aws:s3:::coralnet-media-test/*").And.Not.Contain("\"*\""));

        var knownHosts = File.ReadAllLines(Path.Combine(_root, "environments/production.known_hosts"));
        Assert.That(knownHosts, Is.EquivalentTo(new[] { "198.51.100.20 ecdsa-sha2-nistp256 " + FakeAws.EcdsaHostKey, "198.51.100.20 ssh-ed25519 " + FakeAws.Ed25519HostKey }));
    }

    [Test]
    public async Task Provision_hands_its_outputs_on_and_a_later_run_finds_them_by_tags()
    {
        var fake = new FakeAws();
        var provisioner = Provisioner(fake, new ListLog());
        await provisioner.ProvisionAsync(CancellationToken.None);
        fake.Calls.Clear();

        var lookedUp = await AwsOutputs.LookUpAsync(fake.Services(), Settings(), CancellationToken.None);

        foreach (var outputs in new[] { provisioner.Outputs!, lookedUp })
        {
            Assert.That(outputs.WebHosts, Is.EqualTo(new[] { new WebHostOutput("coralnet-production-web", "198.51.100.20", "ec2-198-51-100-20.us-west-2.compute.amazonaws.com") }));
            Assert.That((outputs.DatabaseAddress, outputs.DatabasePort, outputs.BucketName), Is.EqualTo(("coralnet-production-db.abc.us-west-2.rds.amazonaws.com", (int?)5432, "coralnet-media-test")));
        }

        Assert.That(fake.Calls, Is.All.Matches<string>(IsReadOnly));
        var hosts = new AwsHosts(Settings(), lookedUp);
        Assert.That(hosts.WebHosts(), Is.EqualTo(new[] { new CoralNet.Deploy.Remote.SshTarget("coralnet-production-web", "198.51.100.20") }));
        Assert.That(hosts.Database(), Is.EqualTo(new CoralNet.Deploy.Database.DatabaseEndpoint("coralnet-production-db", "coralnet-production-db.abc.us-west-2.rds.amazonaws.com", 5432)));
    }

    [Test]
    public async Task Hosts_of_an_unprovisioned_environment_are_refused_with_what_to_do()
    {
        var hosts = new AwsHosts(Settings(), await AwsOutputs.LookUpAsync(new FakeAws().Services(), Settings(), CancellationToken.None));

        Assert.That(() => hosts.WebHosts(), Throws.InvalidOperationException.With.Message.Contains("Name=coralnet-production-web").And.Message.Contains("--target=Provision --environment=production"));
        Assert.That(() => hosts.Database(), Throws.InvalidOperationException.With.Message.Contains("coralnet-production-db"));
    }

    [Test]
    public async Task Plan_of_an_empty_account_lists_every_create_with_read_only_calls()
    {
        var fake = new FakeAws();
        var changes = await Provisioner(fake, new ListLog()).PlanAsync(CancellationToken.None);

        Assert.That(changes.Select(c => c.Kind), Is.All.EqualTo(ChangeKind.Create));
        Assert.That(fake.Calls, Is.All.Matches<string>(IsReadOnly));
        Assert.That(fake.Groups, Is.Empty);
    }

    [Test]
    public async Task The_referer_policy_is_rendered_from_its_template_with_a_warning()
    {
        var fake = new FakeAws();
        var log = new ListLog();
        var settings = Settings();
        settings.Aws.BucketRefererPolicy = true;
        await Provisioner(fake, log, settings).ProvisionAsync(CancellationToken.None);

        Assert.That(fake.BucketPolicies["coralnet-media-test"], Does.Contain("\"aws:Referer\": [").And.Contain("\"https://coralnet.example.org/*\"").And.Not.Contain("http://").And.Contain("arn:aws:s3:::coralnet-media-test/*"));
        Assert.That(fake.Blocks["coralnet-media-test"].BlockPublicPolicy, Is.False);
        Assert.That(fake.Blocks["coralnet-media-test"].BlockPublicAcls, Is.True);
        Assert.That(log.Lines, Has.Some.StartsWith("WARN Aws.BucketRefererPolicy is on").And.Contains("forged"));
        Assert.That(await Provisioner(fake, new ListLog(), settings).ProvisionAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task The_master_password_appears_in_no_log_line()
    {
        var fake = new FakeAws();
        var log = new ListLog();
        await Provisioner(fake, log).ProvisionAsync(CancellationToken.None);

        Assert.That(fake.DatabaseSpecs.Single().MasterPassword.ToString(), Is.EqualTo("***"));
        Assert.That(log.Lines, Is.Not.Empty);
        Assert.That(log.Lines, Has.None.Contains(MasterPassword));
    }

    [Test]
    public void A_wait_is_bounded_by_its_timeout_and_says_how_long_it_waited()
    {
        var log = new ListLog();
        var polls = 0;
        var error = Assert.ThrowsAsync<TimeoutException>(() => Waiter.UntilAsync<int>(
            "database x",
            _ => Task.FromResult((false, $"creating {++polls}", 0)),
            new WaitOptions(TimeSpan.FromMilliseconds(50), TimeSpan.Zero, (_, _) => Task.Delay(5)),
            log,
            CancellationToken.None));

        Assert.That(error!.Message, Does.StartWith("database x: still 'creating").And.Contains("Timeouts.AwsWaitSeconds"));
        Assert.That(polls, Is.GreaterThan(1));
        Assert.That(log.Lines, Has.Some.Matches<string>(line => line.Contains("elapsed, waiting up to")));
    }

    [Test]
    public void The_deploy_policy_allows_exactly_the_actions_a_provision_calls()
    {
        var statements = DeployPolicy.Statements(Settings(), "us-west-2");
        var allowed = statements.SelectMany(s => s.Actions).ToHashSet();
        var called = FirstProvisionCalls.Concat(SecondProvisionCalls)
            .Concat(["ec2:RevokeSecurityGroupIngress", "ec2:ModifyInstanceAttribute", "ec2:AssociateIamInstanceProfile", "rds:ModifyDBInstance",
                "ec2:StopInstances", "ec2:StartInstances", "ec2:ModifyInstanceMetadataOptions", "ec2:DescribeVolumes", "iam:PutRolePermissionsBoundary", "rds:CreateDBSnapshot", "rds:DescribeDBSnapshots"])
            .ToHashSet();
        // Granted without being called directly: tagging at creation, and handing the role to EC2.
        string[] implied = ["ec2:CreateTags", "iam:TagRole", "iam:TagInstanceProfile", "iam:TagPolicy", "iam:PassRole", "rds:AddTagsToResource"];

        Assert.That(allowed, Is.EquivalentTo(called.Concat(implied)));
        Assert.That(statements.Single(s => s.Sid == "TheSiteBucket").Resources, Is.EqualTo(new[] { "arn:aws:s3:::coralnet-media-test" }));
        Assert.That(statements.Single(s => s.Sid == "ReadTheInstanceRole").Resources, Is.EqualTo(new[] { "arn:aws:iam::*:role/coralnet-production-web" }));
    }

    private static bool IsReadOnly(string call) =>
        call.Split(':')[1] is var action && (action.StartsWith("Describe", StringComparison.Ordinal) || action.StartsWith("Get", StringComparison.Ordinal) || action.StartsWith("List", StringComparison.Ordinal));
}
