using Amazon.EC2.Model;
using Amazon.S3.Model;
using Filter = Amazon.EC2.Model.Filter;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>Plan, ProvisionAws and Provision of the emulator environment, run through the task graph against moto.</summary>
public sealed class ProvisionEmulatorTests : EmulatorTests
{
    private static List<Filter> Named(string name) => [new Filter("tag:Name", [name]), new Filter("tag:Project", ["coralnet"])];

    private static IEnumerable<string> Ingress(SecurityGroup group) => (group.IpPermissions ?? []).SelectMany(permission =>
        (permission.Ipv4Ranges ?? []).Select(range => range.CidrIp)
            .Concat((permission.Ipv6Ranges ?? []).Select(range => range.CidrIpv6))
            .Concat((permission.UserIdGroupPairs ?? []).Select(pair => pair.GroupId))
            .Select(source => $"{permission.FromPort} from {source}"));

    [Test]
    public async Task An_empty_account_is_planned_without_change_then_provisioned_and_a_second_run_has_nothing_to_do()
    {
        var (plan, planCalls) = Run.SucceedRecorded("--target=Plan");
        Assert.That(plan, Does.Contain("create     security group coralnet-emulator-web").And.Contain("ami-785db401"));
        Assert.That(planCalls, Is.Not.Empty.And.All.Matches<EmulatorCall>(call => call.IsRead), "Plan only reads");
        Assert.That((await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-web") })).SecurityGroups ?? [], Is.Empty, "Plan made nothing");
        Assert.That((await Run.S3.ListBucketsAsync()).Buckets ?? [], Is.Empty);

        Run.Succeed("--target=ProvisionAws");

        var web = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-web") })).SecurityGroups.Single();
        Assert.That(Ingress(web), Is.EquivalentTo(new[] { "22 from 203.0.113.7/32", "80 from 0.0.0.0/0", "80 from ::/0", "443 from 0.0.0.0/0", "443 from ::/0" }));
        var databaseGroup = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-db") })).SecurityGroups.Single();
        Assert.That(Ingress(databaseGroup), Is.EqualTo(new[] { $"5432 from {web.GroupId}" }));
        var instance = (await Run.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = Named("coralnet-emulator-web") })).Reservations.SelectMany(r => r.Instances).Single();
        Assert.That(instance.MetadataOptions.HttpTokens.Value, Is.EqualTo("required"));
        var protection = await Run.Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instance.InstanceId, Attribute = "disableApiTermination" });
        Assert.That(protection.InstanceAttribute.DisableApiTermination, Is.True);
        var root = instance.BlockDeviceMappings.Single(mapping => mapping.DeviceName == instance.RootDeviceName);
        Assert.That(root.Ebs.DeleteOnTermination, Is.False);
        var volume = (await Run.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [root.Ebs.VolumeId] })).Volumes.Single();
        Assert.That(volume.Encrypted, Is.True);
        var address = (await Run.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = Named("coralnet-emulator-web") })).Addresses.Single();
        Assert.That(address.InstanceId, Is.EqualTo(instance.InstanceId));

        var cors = await Run.S3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(cors.Configuration.Rules.Single().AllowedMethods, Is.EqualTo(new[] { "GET" }));
        var block = await Run.S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(block.PublicAccessBlockConfiguration.BlockPublicPolicy, Is.True);
        var encryption = await Run.S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules.Single().ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm.Value, Is.EqualTo("AES256"));
        var versioning = await Run.S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(versioning.VersioningConfig.Status.Value, Is.EqualTo("Enabled"));
        var ownership = await Run.S3.GetBucketOwnershipControlsAsync(new GetBucketOwnershipControlsRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(ownership.OwnershipControls.Rules.Single().ObjectOwnership.Value, Is.EqualTo("BucketOwnerEnforced"));
        var bucketPolicy = System.Text.Json.Nodes.JsonNode.Parse((await Run.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "coralnet-emulator-media" })).Policy)!;
        var tlsOnly = bucketPolicy["Statement"]!.AsArray().Single()!;
        Assert.That(tlsOnly["Effect"]!.GetValue<string>(), Is.EqualTo("Deny"));
        Assert.That(tlsOnly["Condition"]!["Bool"]!["aws:SecureTransport"]!.GetValue<string>(), Is.EqualTo("false"));

        var database = Run.Boto("rds", "describe_db_instances", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBInstances"]![0]!;
        Assert.That((bool)database["PubliclyAccessible"]!, Is.False);
        Assert.That((bool)database["StorageEncrypted"]!, Is.True);
        Assert.That((bool)database["DeletionProtection"]!, Is.True);
        Assert.That((int)database["BackupRetentionPeriod"]!, Is.EqualTo(7));
        Assert.That(database["StorageType"]!.GetValue<string>(), Is.EqualTo("gp3"));
        Assert.That((bool)database["CopyTagsToSnapshot"]!, Is.True);
        Assert.That((bool)database["MultiAZ"]!, Is.False);
        Assert.That(database["DBParameterGroups"]![0]!["DBParameterGroupName"]!.GetValue<string>(), Is.EqualTo("coralnet-emulator-db-postgres15"));
        var parameters = Run.Boto("rds", "describe_db_parameters", new { DBParameterGroupName = "coralnet-emulator-db-postgres15", Source = "user" })["Parameters"]!.AsArray();
        Assert.That(parameters.Select(p => $"{p!["ParameterName"]}={p["ParameterValue"]}"), Is.EqualTo(new[] { "rds.force_ssl=1" }));
        var role = Run.Boto("iam", "get_role", new { RoleName = "coralnet-emulator-web" })["Role"]!;
        Assert.That(role["PermissionsBoundary"]!["PermissionsBoundaryArn"]!.GetValue<string>(), Is.EqualTo("arn:aws:iam::123456789012:policy/coralnet-emulator-web-boundary"));
        var boundary = Run.Boto("iam", "get_policy_version", new { PolicyArn = "arn:aws:iam::123456789012:policy/coralnet-emulator-web-boundary", VersionId = "v1" })["PolicyVersion"]!["Document"]!;
        Assert.That(boundary.ToJsonString(), Does.Contain("arn:aws:s3:::coralnet-emulator-media/*").And.Not.Contain("\"*\""));
        var profile = Run.Boto("iam", "get_instance_profile", new { InstanceProfileName = "coralnet-emulator-web" })["InstanceProfile"]!;
        Assert.That(profile["Roles"]![0]!["RoleName"]!.GetValue<string>(), Is.EqualTo("coralnet-emulator-web"));

        var (clean, cleanCalls) = Run.SucceedRecorded("--target=Plan");
        Assert.That(clean, Does.Contain("Plan: nothing to do"));
        var (second, secondCalls) = Run.SucceedRecorded("--target=ProvisionAws");
        Assert.That(second, Does.Contain("Provision: nothing to do").And.Not.Contain("waiting up to"));
        // Only reads, and no wait: the reads of a Plan, then the outputs read back once; a wait would poll.
        Assert.That(secondCalls, Is.All.Matches<EmulatorCall>(call => call.IsRead), "a second ProvisionAws only reads");
        Assert.That(secondCalls.Select(call => call.ToString()),
            Is.EqualTo(cleanCalls.Select(call => call.ToString()).Concat(["ec2:DescribeAddresses", "ec2:DescribeInstances", "rds:DescribeDBInstances"])));
    }

    [Test]
    public async Task Drift_made_behind_the_suite_s_back_is_planned_corrected_and_then_clean()
    {
        var (_, made) = Run.SucceedRecorded("--target=Provision");
        var web = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-web") })).SecurityGroups.Single();
        var instance = (await Run.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = Named("coralnet-emulator-web") })).Reservations.SelectMany(r => r.Instances).Single();
        await Run.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = web.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 22, ToPort = 22, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        });
        await Run.Ec2.ModifyInstanceMetadataOptionsAsync(new ModifyInstanceMetadataOptionsRequest { InstanceId = instance.InstanceId, HttpTokens = "optional" });
        await Run.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instance.InstanceId, DisableApiTermination = false });
        await Run.S3.DeleteBucketEncryptionAsync(new DeleteBucketEncryptionRequest { BucketName = "coralnet-emulator-media" });
        await Run.S3.DeleteCORSConfigurationAsync(new DeleteCORSConfigurationRequest { BucketName = "coralnet-emulator-media" });
        await Run.S3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = "coralnet-emulator-media" });
        await Run.S3.PutBucketVersioningAsync(new PutBucketVersioningRequest { BucketName = "coralnet-emulator-media", VersioningConfig = new S3BucketVersioningConfig { Status = Amazon.S3.VersionStatus.Suspended } });
        Run.Boto("rds", "modify_db_instance", new { DBInstanceIdentifier = "coralnet-emulator-db", DeletionProtection = false, PubliclyAccessible = true, ApplyImmediately = true });
        await Run.S3.DeletePublicAccessBlockAsync(new DeletePublicAccessBlockRequest { BucketName = "coralnet-emulator-media" });
        var databaseGroup = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-db") })).SecurityGroups.Single();
        await Run.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest
        {
            GroupId = databaseGroup.GroupId,
            IpPermissions = [new IpPermission { IpProtocol = "tcp", FromPort = 5432, ToPort = 5432, Ipv4Ranges = [new IpRange { CidrIp = "0.0.0.0/0" }] }],
        });

        var plan = Run.Succeed("--target=Plan");
        Assert.That(plan, Does.Contain("ingress tcp 22 from 0.0.0.0/0 not wanted")
            .And.Contain("IMDSv2 optional, not required")
            .And.Contain("termination protection off")
            .And.Contain("default encryption (SSE-S3)")
            .And.Contain("CORS (GET")
            .And.Contain("bucket policy (deny requests without TLS)")
            .And.Contain("versioning on")
            .And.Contain("deletion protection off")
            .And.Contain("PubliclyAccessible True")
            .And.Contain("Block Public Access (all on)")
            .And.Contain("ingress tcp 5432 from 0.0.0.0/0 not wanted")
            .And.Contain("Plan: 0 to create, 5 to update."));

        var (_, corrected) = Run.SucceedRecorded("--target=ProvisionAws");
        Assert.That(Run.Succeed("--target=Plan"), Does.Contain("Plan: nothing to do"));
        // Each call of making and correcting, as the emulator saw it, is an action the DeployPolicy target's policy grants.
        var printed = Run.Succeed("--target=DeployPolicy");
        var deployPolicy = System.Text.Json.Nodes.JsonNode.Parse(printed[printed.IndexOf('{', StringComparison.Ordinal)..(printed.LastIndexOf('}') + 1)])!;
        var allowed = deployPolicy["Statement"]!.AsArray().SelectMany(statement => statement!["Action"]!.AsArray().Select(action => action!.GetValue<string>()));
        Assert.That(made.Concat(corrected).Select(call => call.ToString()).Distinct(), Is.SubsetOf(allowed));
        instance = (await Run.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instance.InstanceId] })).Reservations.Single().Instances.Single();
        Assert.That(instance.MetadataOptions.HttpTokens.Value, Is.EqualTo("required"));
        var encryption = await Run.S3.GetBucketEncryptionAsync(new GetBucketEncryptionRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(encryption.ServerSideEncryptionConfiguration.ServerSideEncryptionRules.Single().ServerSideEncryptionByDefault.ServerSideEncryptionAlgorithm.Value, Is.EqualTo("AES256"));
        var database = Run.Boto("rds", "describe_db_instances", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBInstances"]![0]!;
        Assert.That((bool)database["DeletionProtection"]!, Is.True);
        Assert.That((bool)database["PubliclyAccessible"]!, Is.False);
        var block = await Run.S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(block.PublicAccessBlockConfiguration.RestrictPublicBuckets, Is.True);
        databaseGroup = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [databaseGroup.GroupId] })).SecurityGroups.Single();
        Assert.That(Ingress(databaseGroup), Is.EqualTo(new[] { $"5432 from {web.GroupId}" }), "PostgreSQL from the web group only");
        web = (await Run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { GroupIds = [web.GroupId] })).SecurityGroups.Single();
        Assert.That(Ingress(web).Where(rule => rule.StartsWith("22 ", StringComparison.Ordinal)), Is.EqualTo(new[] { "22 from 203.0.113.7/32" }));
        var protection = await Run.Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instance.InstanceId, Attribute = "disableApiTermination" });
        Assert.That(protection.InstanceAttribute.DisableApiTermination, Is.True);
        var cors = await Run.S3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(cors.Configuration.Rules.Single().AllowedMethods, Is.EqualTo(new[] { "GET" }));
        var versioning = await Run.S3.GetBucketVersioningAsync(new GetBucketVersioningRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(versioning.VersioningConfig.Status.Value, Is.EqualTo("Enabled"));
        var policy = await Run.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(policy.Policy, Does.Contain("aws:SecureTransport"));
    }

    [Test]
    public void Unencrypted_storage_made_by_hand_is_read_back_and_reported_as_not_changeable_in_place()
    {
        var tags = new[] { new { Key = "Project", Value = "coralnet" }, new { Key = "Environment", Value = "emulator" }, new { Key = "Name", Value = "coralnet-emulator-web" } };
        Run.Boto("ec2", "run_instances", new { ImageId = "ami-785db401", MinCount = 1, MaxCount = 1, TagSpecifications = new[] { new { ResourceType = "instance", Tags = tags } } });
        Run.Boto("rds", "create_db_instance", new
        {
            DBInstanceIdentifier = "coralnet-emulator-db", Engine = "postgres", DBInstanceClass = "db.t3.micro", AllocatedStorage = 20,
            MasterUsername = "postgres", MasterUserPassword = "Emulator-master-passw0rd", StorageEncrypted = false,
            Tags = tags.Select(tag => tag.Key == "Name" ? new { tag.Key, Value = "coralnet-emulator-db" } : tag).ToArray(),
        });

        var plan = Run.Succeed("--target=Plan");

        Assert.That(plan, Does.Match(@"EC2 instance coralnet-emulator-web: root volume vol-\w+ NOT encrypted; EBS cannot encrypt a volume in place")
            .And.Contain("RDS PostgreSQL coralnet-emulator-db: storage NOT encrypted; RDS cannot encrypt an instance in place"));
    }

    [Test]
    public async Task The_referer_policy_is_put_on_an_existing_bucket_and_taken_off_again()
    {
        Run.Succeed("--target=ProvisionAws");

        Run.Succeed("--target=ProvisionAws", "--aws_bucketrefererpolicy=true");
        Assert.That(Run.Succeed("--target=Plan", "--aws_bucketrefererpolicy=true"), Does.Contain("Plan: nothing to do"));
        var policy = await Run.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(policy.Policy, Does.Contain("aws:Referer").And.Contain("coralnet.emulator.test"));

        Assert.That(Run.Succeed("--target=Plan"), Does.Contain("bucket policy (deny requests without TLS), removing PublicReadWithRefererOfTheSite"));
        Run.Succeed("--target=ProvisionAws");
        Assert.That(Run.Succeed("--target=Plan"), Does.Contain("Plan: nothing to do"));
    }

    [Test]
    public async Task Plan_names_the_statements_a_hand_edited_bucket_policy_would_lose()
    {
        Run.Succeed("--target=ProvisionAws");
        var policy = System.Text.Json.Nodes.JsonNode.Parse((await Run.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "coralnet-emulator-media" })).Policy)!;
        System.Text.Json.Nodes.JsonNode Grant(string? sid, string action) => System.Text.Json.Nodes.JsonNode.Parse(
            (sid is null ? "{" : $"{{\"Sid\": \"{sid}\", ") +
            $"\"Effect\": \"Allow\", \"Principal\": {{\"AWS\": \"arn:aws:iam::123456789012:root\"}}, \"Action\": \"{action}\", \"Resource\": \"arn:aws:s3:::coralnet-emulator-media/*\"}}")!;
        policy["Statement"]!.AsArray().Add(Grant("ReadForTheBackups", "s3:GetObject"));
        policy["Statement"]!.AsArray().Add(Grant(null, "s3:PutObject"));
        await Run.S3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = "coralnet-emulator-media", Policy = policy.ToJsonString() });

        Assert.That(Run.Succeed("--target=Plan"), Does.Contain("update     S3 bucket coralnet-emulator-media: bucket policy (deny requests without TLS), removing ReadForTheBackups, statement 3"));
        Run.Succeed("--target=ProvisionAws");
        var corrected = System.Text.Json.Nodes.JsonNode.Parse((await Run.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = "coralnet-emulator-media" })).Policy)!;
        Assert.That(corrected["Statement"]!.AsArray(), Has.Count.EqualTo(1));
    }

    [Test]
    public async Task Deploy_provisions_then_stops_at_its_first_SSH_step_on_the_instance_s_address()
    {
        // Nothing listens on this loopback port: the SSH step fails there, after Provision.
        var closedPort = MotoServer.FreePort();
        Run.WithOperatorKey();
        File.WriteAllText(Path.Combine(Run.Root, "samples", "site", "manage.py"), "print('site')\n");
        Run.Succeed("--target=ProvisionAws");
        var address = (await Run.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = Named("coralnet-emulator-web") })).Addresses.Single().PublicIp;
        // The emulator hands out loopback addresses; anything else must not be connected to from a test.
        Assert.That(System.Net.IPAddress.IsLoopback(System.Net.IPAddress.Parse(address)), Is.True, $"the emulator's Elastic IP {address} is not a loopback address");

        Run.Boto("rds", "modify_db_instance", new { DBInstanceIdentifier = "coralnet-emulator-db", DeletionProtection = false, ApplyImmediately = true });

        var (exitCode, output) = Run.Run("--target=Deploy", $"--ssh_port={closedPort}");

        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain("Provision: nothing to do").And.Contain($"web host {address}"));
        // Deploy never changes the database in passing: it says so, and leaves it to Provision.
        Assert.That(output, Does.Contain("deletion protection off; not changed by this run: ./build.sh --target=Provision applies it")
            .And.Contain("Left to ./build.sh --target=Provision: RDS PostgreSQL coralnet-emulator-db."));
        var database = Run.Boto("rds", "describe_db_instances", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBInstances"]![0]!;
        Assert.That((bool)database["DeletionProtection"]!, Is.False);
        Assert.That(output, Does.Contain("executing task 'DeployLock'").And.Contain($"coralnet-emulator-web ({address}:{closedPort}): cannot connect over SSH"));
    }

    [Test]
    public void A_class_change_takes_a_snapshot_first_and_applies_at_once_only_when_asked()
    {
        Run.Succeed("--target=ProvisionAws");

        var plan = Run.Succeed("--target=Plan", "--aws_databaseinstanceclass=db.t3.small");
        Assert.That(plan, Does.Contain("class db.t3.micro").And.Contain("applied in the maintenance window"));
        Run.Succeed("--target=ProvisionAws", "--aws_databaseinstanceclass=db.t3.small", "--apply-database-changes-now");

        var snapshots = Run.Boto("rds", "describe_db_snapshots", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBSnapshots"]!.AsArray();
        Assert.That(snapshots.Select(snapshot => snapshot!["DBSnapshotIdentifier"]!.GetValue<string>()), Has.One.StartsWith("coralnet-emulator-db-before-"));
        var database = Run.Boto("rds", "describe_db_instances", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBInstances"]![0]!;
        Assert.That(database["DBInstanceClass"]!.GetValue<string>(), Is.EqualTo("db.t3.small"));
        Assert.That(Run.Succeed("--target=Plan", "--aws_databaseinstanceclass=db.t3.small"), Does.Contain("Plan: nothing to do"));
    }
}
