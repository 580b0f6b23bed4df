using System.Net;
using System.Text;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Query;
using NSubstitute;
using Ec2Tag = Amazon.EC2.Model.Tag;
using IamInstanceProfile = CoralNet.Deploy.Aws.Query.IamInstanceProfile;
using ResourceType = Amazon.EC2.ResourceType;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>
/// An in-memory AWS account behind NSubstitute fakes of the SDK's interfaces and of the suite's
/// RDS and IAM clients: what one call creates, the next Describe finds. Every call is recorded.
/// </summary>
internal sealed class FakeAws
{
    public const string EcdsaHostKey = "AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBGBxLJa1iX3rvr/t5hYO1HxZ/0XVSXaujXl6rr1AFLehNMagsQ4zQz2WqzzjJMrbx5EQnRIqvEQqE3wN/Sk2Zvs=";
    public const string Ed25519HostKey = "AAAAC3NzaC1lZDI1NTE5AAAAIBZd8pYgx7LPqTEBwxb118JHWHc9CmcHUTsf5LRhZacq";

    public const string HostKeyConsole =
        "cloud-init boot\n-----BEGIN SSH HOST KEY KEYS-----\necdsa-sha2-nistp256 " + EcdsaHostKey + " root@ip\nssh-ed25519 " + Ed25519HostKey + " root@ip\n" +
        "ssh-rsa AAAAE2VjZHNh noise\n-----END SSH HOST KEY KEYS-----\nlogin:";

    private int _next = 1;

    /// <summary>What the fake SSM holds in a SecureString parameter.</summary>
    public static string SecretParameterValue(string name) => "from-ssm" + name.Replace('/', '-');

    public List<string> Calls { get; } = [];
    public List<SecurityGroup> Groups { get; } = [];
    public List<KeyPairInfo> KeyPairs { get; } = [];
    public List<Instance> Instances { get; } = [];
    public Dictionary<string, bool> TerminationProtection { get; } = [];
    public List<Address> Addresses { get; } = [];
    public Dictionary<string, Dictionary<string, string>> Buckets { get; } = [];
    public Dictionary<string, CORSConfiguration> Cors { get; } = [];
    public Dictionary<string, PublicAccessBlockConfiguration> Blocks { get; } = [];
    public Dictionary<string, string> BucketPolicies { get; } = [];
    public Dictionary<string, ServerSideEncryptionConfiguration> Encryption { get; } = [];
    public Dictionary<string, VersionStatus> Versioning { get; } = [];
    public Dictionary<string, OwnershipControls> Ownership { get; } = [];
    public Dictionary<string, IamRole> Roles { get; } = [];
    public Dictionary<string, string> RolePolicies { get; } = [];
    public Dictionary<string, string> ManagedPolicies { get; } = [];
    public Dictionary<string, IamInstanceProfile> Profiles { get; } = [];
    public Dictionary<string, DbInstance> Databases { get; } = [];
    public List<DbInstanceSpec> DatabaseSpecs { get; } = [];
    public List<DbInstanceChanges> DatabaseModifications { get; } = [];
    public Dictionary<string, string> Snapshots { get; } = [];
    public Dictionary<string, (DbParameterGroup Group, Dictionary<string, string> Parameters)> ParameterGroups { get; } = [];
    public List<RunInstancesRequest> Launches { get; } = [];
    public List<string> ImportedKeyMaterial { get; } = [];

    /// <summary>How many reads of an instance's console find no host keys yet (cloud-init has not printed them).</summary>
    public int ConsoleReadsWithoutKeys { get; set; }

    /// <summary>Whether a launch keeps DisableApiTermination (AWS says it may not).</summary>
    public bool LaunchKeepsTerminationProtection { get; set; } = true;

    public AwsServices Services()
    {
        return new AwsServices(Ec2(), S3(), Ssm(), Sts(), Rds(), Iam());
    }

    private string Id(string prefix) => $"{prefix}-{_next++:x8}";

    private T Record<T>(string call, Func<T> body)
    {
        Calls.Add(call);
        return body();
    }

    private static bool Matches(List<Amazon.EC2.Model.Filter>? filters, List<Ec2Tag>? tags) =>
        (filters ?? []).Where(filter => filter.Name.StartsWith("tag:", StringComparison.Ordinal))
            .All(filter => (tags ?? []).Any(tag => "tag:" + tag.Key == filter.Name && filter.Values.Contains(tag.Value)));

    private static List<Ec2Tag> TagsOf(List<TagSpecification>? specifications, ResourceType type) =>
        (specifications ?? []).Where(spec => spec.ResourceType == type).SelectMany(spec => spec.Tags).ToList();

    private IAmazonEC2 Ec2()
    {
        var ec2 = Substitute.For<IAmazonEC2>();
        ec2.Config.Returns(new AmazonEC2Config { RegionEndpoint = RegionEndpoint.USWest2 });
        ec2.DescribeSecurityGroupsAsync(Arg.Any<DescribeSecurityGroupsRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeSecurityGroups", () =>
            new DescribeSecurityGroupsResponse { SecurityGroups = Groups.Where(g => Matches(call.Arg<DescribeSecurityGroupsRequest>().Filters, g.Tags)).ToList() }));
        ec2.CreateSecurityGroupAsync(Arg.Any<CreateSecurityGroupRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:CreateSecurityGroup", () =>
        {
            var request = call.Arg<CreateSecurityGroupRequest>();
            var group = new SecurityGroup { GroupId = Id("sg"), GroupName = request.GroupName, Tags = TagsOf(request.TagSpecifications, ResourceType.SecurityGroup), IpPermissions = [] };
            Groups.Add(group);
            return new CreateSecurityGroupResponse { GroupId = group.GroupId };
        }));
        ec2.AuthorizeSecurityGroupIngressAsync(Arg.Any<AuthorizeSecurityGroupIngressRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:AuthorizeSecurityGroupIngress", () =>
        {
            var request = call.Arg<AuthorizeSecurityGroupIngressRequest>();
            Groups.Single(g => g.GroupId == request.GroupId).IpPermissions.AddRange(request.IpPermissions);
            return new AuthorizeSecurityGroupIngressResponse();
        }));
        ec2.RevokeSecurityGroupIngressAsync(Arg.Any<RevokeSecurityGroupIngressRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:RevokeSecurityGroupIngress", () =>
        {
            var request = call.Arg<RevokeSecurityGroupIngressRequest>();
            var group = Groups.Single(g => g.GroupId == request.GroupId);
            var revoked = IngressRule.FromPermissions(request.IpPermissions);
            var kept = IngressRule.FromPermissions(group.IpPermissions).Except(revoked).ToList();
            group.IpPermissions = kept.Select(rule => rule.ToPermission()).ToList();
            return new RevokeSecurityGroupIngressResponse();
        }));
        ec2.DescribeKeyPairsAsync(Arg.Any<DescribeKeyPairsRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeKeyPairs", () =>
            new DescribeKeyPairsResponse { KeyPairs = KeyPairs.Where(k => call.Arg<DescribeKeyPairsRequest>().Filters.Single(f => f.Name == "key-name").Values.Contains(k.KeyName)).ToList() }));
        ec2.ImportKeyPairAsync(Arg.Any<ImportKeyPairRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:ImportKeyPair", () =>
        {
            var request = call.Arg<ImportKeyPairRequest>();
            var material = Encoding.UTF8.GetString(Convert.FromBase64String(request.PublicKeyMaterial));
            ImportedKeyMaterial.Add(material);
            KeyPairs.Add(new KeyPairInfo { KeyName = request.KeyName, PublicKey = material, Tags = TagsOf(request.TagSpecifications, ResourceType.KeyPair) });
            return new ImportKeyPairResponse { KeyName = request.KeyName };
        }));
        ec2.DescribeImagesAsync(Arg.Any<DescribeImagesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeImages", () =>
            new DescribeImagesResponse { Images = [new Image { ImageId = call.Arg<DescribeImagesRequest>().ImageIds[0], RootDeviceName = "/dev/sda1" }] }));
        ec2.RunInstancesAsync(Arg.Any<RunInstancesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:RunInstances", () =>
        {
            var request = call.Arg<RunInstancesRequest>();
            Launches.Add(request);
            var instance = new Instance
            {
                InstanceId = Id("i"),
                InstanceType = request.InstanceType,
                State = new InstanceState { Name = InstanceStateName.Pending },
                RootDeviceName = "/dev/sda1",
                BlockDeviceMappings = request.BlockDeviceMappings.Select(m => new InstanceBlockDeviceMapping { DeviceName = m.DeviceName, Ebs = new EbsInstanceBlockDevice { DeleteOnTermination = m.Ebs.DeleteOnTermination } }).ToList(),
                SecurityGroups = request.SecurityGroupIds.Select(id => new GroupIdentifier { GroupId = id }).ToList(),
                IamInstanceProfile = new Amazon.EC2.Model.IamInstanceProfile { Arn = "arn:aws:iam::123456789012:instance-profile/" + request.IamInstanceProfile.Name },
                Tags = TagsOf(request.TagSpecifications, ResourceType.Instance),
                MetadataOptions = new InstanceMetadataOptionsResponse { HttpTokens = request.MetadataOptions?.HttpTokens ?? HttpTokensState.Optional },
            };
            Instances.Add(instance);
            TerminationProtection[instance.InstanceId] = request.DisableApiTermination == true && LaunchKeepsTerminationProtection;
            return new RunInstancesResponse { Reservation = new Reservation { Instances = [instance] } };
        }));
        ec2.DescribeInstancesAsync(Arg.Any<DescribeInstancesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeInstances", () =>
        {
            var request = call.Arg<DescribeInstancesRequest>();
            var found = Instances.Where(i => (request.InstanceIds is null || request.InstanceIds.Contains(i.InstanceId)) && Matches(request.Filters, i.Tags)).ToList();
            foreach (var instance in found)
            {
                // Each look makes a pending instance one step closer to running.
                if (instance.State.Name == InstanceStateName.Pending && request.InstanceIds is not null)
                {
                    instance.State = new InstanceState { Name = InstanceStateName.Running };
                }
            }

            return new DescribeInstancesResponse { Reservations = found.Count == 0 ? [] : [new Reservation { Instances = found }] };
        }));
        ec2.DescribeInstanceAttributeAsync(Arg.Any<DescribeInstanceAttributeRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeInstanceAttribute", () =>
            new DescribeInstanceAttributeResponse { InstanceAttribute = new InstanceAttribute { DisableApiTermination = TerminationProtection[call.Arg<DescribeInstanceAttributeRequest>().InstanceId] } }));
        ec2.ModifyInstanceMetadataOptionsAsync(Arg.Any<ModifyInstanceMetadataOptionsRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:ModifyInstanceMetadataOptions", () =>
        {
            var request = call.Arg<ModifyInstanceMetadataOptionsRequest>();
            Instances.Single(i => i.InstanceId == request.InstanceId).MetadataOptions = new InstanceMetadataOptionsResponse { HttpTokens = request.HttpTokens };
            return new ModifyInstanceMetadataOptionsResponse();
        }));
        ec2.ModifyInstanceAttributeAsync(Arg.Any<ModifyInstanceAttributeRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:ModifyInstanceAttribute", () =>
        {
            var request = call.Arg<ModifyInstanceAttributeRequest>();
            if (request.DisableApiTermination is { } protection)
            {
                TerminationProtection[request.InstanceId] = protection;
            }

            if (request.InstanceType is { } type)
            {
                var instance = Instances.Single(i => i.InstanceId == request.InstanceId);
                Assert.That(instance.State.Name, Is.EqualTo(InstanceStateName.Stopped), "EC2 changes the type of a stopped instance only");
                instance.InstanceType = type;
            }

            if (request.Groups is { Count: > 0 } groups)
            {
                Instances.Single(i => i.InstanceId == request.InstanceId).SecurityGroups = groups.Select(id => new GroupIdentifier { GroupId = id }).ToList();
            }

            return new ModifyInstanceAttributeResponse();
        }));
        ec2.StopInstancesAsync(Arg.Any<StopInstancesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:StopInstances", () =>
        {
            // The next look finds it stopped.
            Instances.Single(i => i.InstanceId == call.Arg<StopInstancesRequest>().InstanceIds.Single()).State = new InstanceState { Name = InstanceStateName.Stopped };
            return new StopInstancesResponse();
        }));
        ec2.StartInstancesAsync(Arg.Any<StartInstancesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:StartInstances", () =>
        {
            Instances.Single(i => i.InstanceId == call.Arg<StartInstancesRequest>().InstanceIds.Single()).State = new InstanceState { Name = InstanceStateName.Pending };
            return new StartInstancesResponse();
        }));
        ec2.GetConsoleOutputAsync(Arg.Any<GetConsoleOutputRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:GetConsoleOutput", () =>
            new GetConsoleOutputResponse
            {
                InstanceId = call.Arg<GetConsoleOutputRequest>().InstanceId,
                Output = Convert.ToBase64String(Encoding.UTF8.GetBytes(ConsoleReadsWithoutKeys-- > 0 ? "cloud-init boot\n" : HostKeyConsole)),
            }));
        ec2.DescribeAddressesAsync(Arg.Any<DescribeAddressesRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:DescribeAddresses", () =>
            new DescribeAddressesResponse { Addresses = Addresses.Where(a => Matches(call.Arg<DescribeAddressesRequest>().Filters, a.Tags)).ToList() }));
        ec2.AllocateAddressAsync(Arg.Any<AllocateAddressRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:AllocateAddress", () =>
        {
            var address = new Address { AllocationId = Id("eipalloc"), PublicIp = "198.51.100.20", Tags = TagsOf(call.Arg<AllocateAddressRequest>().TagSpecifications, ResourceType.ElasticIp) };
            Addresses.Add(address);
            return new AllocateAddressResponse { AllocationId = address.AllocationId, PublicIp = address.PublicIp };
        }));
        ec2.AssociateAddressAsync(Arg.Any<AssociateAddressRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ec2:AssociateAddress", () =>
        {
            var request = call.Arg<AssociateAddressRequest>();
            var address = Addresses.Single(a => a.AllocationId == request.AllocationId);
            address.InstanceId = request.InstanceId;
            // EC2 names an instance's public DNS after its (now Elastic) address.
            Instances.Single(i => i.InstanceId == request.InstanceId).PublicDnsName = $"ec2-{address.PublicIp.Replace('.', '-')}.us-west-2.compute.amazonaws.com";
            return new AssociateAddressResponse { AssociationId = Id("eipassoc") };
        }));
        return ec2;
    }

    private IAmazonS3 S3()
    {
        var s3 = Substitute.For<IAmazonS3>();
        AmazonS3Exception Absent(string code) => new("absent") { ErrorCode = code, StatusCode = HttpStatusCode.NotFound };
        T Bucket<T>(string bucket, Func<T> body) => Buckets.ContainsKey(bucket) ? body() : throw Absent("NoSuchBucket");
        s3.GetBucketLocationAsync(Arg.Any<GetBucketLocationRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketLocation", () =>
            Bucket(call.Arg<GetBucketLocationRequest>().BucketName, () => new GetBucketLocationResponse { Location = S3Region.USWest2 })));
        s3.PutBucketAsync(Arg.Any<PutBucketRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:CreateBucket", () =>
        {
            var request = call.Arg<PutBucketRequest>();
            Assert.That(request.PutBucketConfiguration?.LocationConstraint?.Value, Is.EqualTo("us-west-2"), "outside us-east-1 a bucket names its region");
            Buckets[request.BucketName] = [];
            return new PutBucketResponse();
        }));
        s3.GetBucketTaggingAsync(Arg.Any<GetBucketTaggingRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketTagging", () =>
            Bucket(call.Arg<GetBucketTaggingRequest>().BucketName, () => Buckets[call.Arg<GetBucketTaggingRequest>().BucketName] is { Count: > 0 } tags
                ? new GetBucketTaggingResponse { TagSet = tags.Select(t => new Amazon.S3.Model.Tag { Key = t.Key, Value = t.Value }).ToList() }
                : throw Absent("NoSuchTagSet"))));
        s3.PutBucketTaggingAsync(Arg.Any<PutBucketTaggingRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketTagging", () =>
        {
            var request = call.Arg<PutBucketTaggingRequest>();
            Buckets[request.BucketName] = request.TagSet.ToDictionary(t => t.Key, t => t.Value);
            return new PutBucketTaggingResponse();
        }));
        s3.GetCORSConfigurationAsync(Arg.Any<GetCORSConfigurationRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketCORS", () =>
            Cors.TryGetValue(call.Arg<GetCORSConfigurationRequest>().BucketName, out var cors) ? new GetCORSConfigurationResponse { Configuration = cors } : throw Absent("NoSuchCORSConfiguration")));
        s3.PutCORSConfigurationAsync(Arg.Any<PutCORSConfigurationRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketCORS", () =>
        {
            Cors[call.Arg<PutCORSConfigurationRequest>().BucketName] = call.Arg<PutCORSConfigurationRequest>().Configuration;
            return new PutCORSConfigurationResponse();
        }));
        s3.GetPublicAccessBlockAsync(Arg.Any<GetPublicAccessBlockRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketPublicAccessBlock", () =>
            Blocks.TryGetValue(call.Arg<GetPublicAccessBlockRequest>().BucketName, out var block) ? new GetPublicAccessBlockResponse { PublicAccessBlockConfiguration = block } : throw Absent("NoSuchPublicAccessBlockConfiguration")));
        s3.PutPublicAccessBlockAsync(Arg.Any<PutPublicAccessBlockRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketPublicAccessBlock", () =>
        {
            Blocks[call.Arg<PutPublicAccessBlockRequest>().BucketName] = call.Arg<PutPublicAccessBlockRequest>().PublicAccessBlockConfiguration;
            return new PutPublicAccessBlockResponse();
        }));
        s3.GetBucketEncryptionAsync(Arg.Any<GetBucketEncryptionRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetEncryptionConfiguration", () =>
            Encryption.TryGetValue(call.Arg<GetBucketEncryptionRequest>().BucketName, out var encryption) ? new GetBucketEncryptionResponse { ServerSideEncryptionConfiguration = encryption } : throw Absent("ServerSideEncryptionConfigurationNotFoundError")));
        s3.PutBucketEncryptionAsync(Arg.Any<PutBucketEncryptionRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutEncryptionConfiguration", () =>
        {
            Encryption[call.Arg<PutBucketEncryptionRequest>().BucketName] = call.Arg<PutBucketEncryptionRequest>().ServerSideEncryptionConfiguration;
            return new PutBucketEncryptionResponse();
        }));
        s3.GetBucketVersioningAsync(Arg.Any<GetBucketVersioningRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketVersioning", () =>
            new GetBucketVersioningResponse { VersioningConfig = new S3BucketVersioningConfig { Status = Versioning.GetValueOrDefault(call.Arg<GetBucketVersioningRequest>().BucketName, VersionStatus.Off) } }));
        s3.PutBucketVersioningAsync(Arg.Any<PutBucketVersioningRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketVersioning", () =>
        {
            Versioning[call.Arg<PutBucketVersioningRequest>().BucketName] = call.Arg<PutBucketVersioningRequest>().VersioningConfig.Status;
            return new PutBucketVersioningResponse();
        }));
        s3.GetBucketOwnershipControlsAsync(Arg.Any<GetBucketOwnershipControlsRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketOwnershipControls", () =>
            Ownership.TryGetValue(call.Arg<GetBucketOwnershipControlsRequest>().BucketName, out var ownership) ? new GetBucketOwnershipControlsResponse { OwnershipControls = ownership } : throw Absent("OwnershipControlsNotFoundError")));
        s3.PutBucketOwnershipControlsAsync(Arg.Any<PutBucketOwnershipControlsRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketOwnershipControls", () =>
        {
            Ownership[call.Arg<PutBucketOwnershipControlsRequest>().BucketName] = call.Arg<PutBucketOwnershipControlsRequest>().OwnershipControls;
            return new PutBucketOwnershipControlsResponse();
        }));
        s3.GetBucketPolicyAsync(Arg.Any<GetBucketPolicyRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:GetBucketPolicy", () =>
            BucketPolicies.TryGetValue(call.Arg<GetBucketPolicyRequest>().BucketName, out var policy) ? new GetBucketPolicyResponse { Policy = policy }
                // As AWSSDK.S3 4.1 answers a bucket without a policy: no exception, HTTP 404, S3's error document as the policy.
                : new GetBucketPolicyResponse { HttpStatusCode = HttpStatusCode.NotFound, Policy = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>NoSuchBucketPolicy</Code></Error>" }));
        s3.PutBucketPolicyAsync(Arg.Any<PutBucketPolicyRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("s3:PutBucketPolicy", () =>
        {
            BucketPolicies[call.Arg<PutBucketPolicyRequest>().BucketName] = call.Arg<PutBucketPolicyRequest>().Policy;
            return new PutBucketPolicyResponse();
        }));
        return s3;
    }

    private IAmazonSimpleSystemsManagement Ssm()
    {
        var ssm = Substitute.For<IAmazonSimpleSystemsManagement>();
        // AWS's public parameters (Debian 12's image; no other) are plain Strings; the operator's secrets SecureStrings.
        ssm.GetParameterAsync(Arg.Any<GetParameterRequest>(), Arg.Any<CancellationToken>()).Returns(call => Record("ssm:GetParameter", () =>
            call.Arg<GetParameterRequest>().Name switch
            {
                CoralNet.Deploy.Aws.Resources.MachineImage.DebianParameter => new GetParameterResponse { Parameter = new Parameter { Name = CoralNet.Deploy.Aws.Resources.MachineImage.DebianParameter, Type = ParameterType.String, Value = "ami-0123456789abcdef0" } },
                var name when name.StartsWith("/aws/service/", StringComparison.Ordinal) => throw new ParameterNotFoundException($"Parameter {name} not found."),
                var name => new GetParameterResponse { Parameter = new Parameter { Name = name, Type = ParameterType.SecureString, Value = SecretParameterValue(name) } },
            }));
        return ssm;
    }

    private IAmazonSecurityTokenService Sts()
    {
        var sts = Substitute.For<IAmazonSecurityTokenService>();
        sts.GetCallerIdentityAsync(Arg.Any<GetCallerIdentityRequest>(), Arg.Any<CancellationToken>()).Returns(_ => Record("sts:GetCallerIdentity", () =>
            new GetCallerIdentityResponse { Account = "123456789012", Arn = "arn:aws:iam::123456789012:user/operator" }));
        return sts;
    }

    private IRdsClient Rds()
    {
        var rds = Substitute.For<IRdsClient>();
        rds.DescribeDbInstanceAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:DescribeDBInstances", () =>
        {
            if (!Databases.TryGetValue(call.ArgAt<string>(0), out var database))
            {
                return (DbInstance?)null;
            }

            // Each look brings a new database one step closer to available.
            Databases[database.Identifier] = database with { Status = "available", EndpointAddress = database.Identifier + ".abc.us-west-2.rds.amazonaws.com", EndpointPort = 5432 };
            return database;
        }));
        rds.CreateDbInstanceAsync(Arg.Any<DbInstanceSpec>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:CreateDBInstance", () =>
        {
            var spec = call.Arg<DbInstanceSpec>();
            DatabaseSpecs.Add(spec);
            var database = new DbInstance(spec.Identifier, "creating", "postgres", spec.EngineVersion + ".4", spec.InstanceClass, spec.AllocatedStorage, spec.BackupRetentionPeriod,
                spec.PubliclyAccessible, true, true, spec.StorageType, true, spec.MultiAz, [spec.ParameterGroupName], "sun:05:00-sun:05:30", new Dictionary<string, string>(), spec.VpcSecurityGroupIds, spec.Tags, null, null);
            Databases[spec.Identifier] = database;
            return database;
        }));
        rds.ModifyDbInstanceAsync(Arg.Any<string>(), Arg.Any<DbInstanceChanges>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:ModifyDBInstance", () =>
        {
            var changes = call.Arg<DbInstanceChanges>();
            DatabaseModifications.Add(changes);
            var database = Databases[call.ArgAt<string>(0)];
            database = database with
            {
                Status = "modifying",
                PubliclyAccessible = changes.PubliclyAccessible ?? database.PubliclyAccessible,
                DeletionProtection = changes.DeletionProtection ?? database.DeletionProtection,
                BackupRetentionPeriod = changes.BackupRetentionPeriod ?? database.BackupRetentionPeriod,
                VpcSecurityGroupIds = changes.VpcSecurityGroupIds ?? database.VpcSecurityGroupIds,
                // As RDS does: without ApplyImmediately these wait for the maintenance window, held as pending.
                InstanceClass = changes.ApplyImmediately ? changes.InstanceClass ?? database.InstanceClass : database.InstanceClass,
                AllocatedStorage = changes.ApplyImmediately ? changes.AllocatedStorage ?? database.AllocatedStorage : database.AllocatedStorage,
                EngineVersion = changes.ApplyImmediately && changes.EngineVersion is { } version ? version + ".1" : database.EngineVersion,
                PendingModifiedValues = changes.ApplyImmediately ? database.PendingModifiedValues : new Dictionary<string, string?>
                    {
                        ["DBInstanceClass"] = changes.InstanceClass,
                        ["AllocatedStorage"] = changes.AllocatedStorage?.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        ["EngineVersion"] = changes.EngineVersion is { } pendingVersion ? pendingVersion + ".1" : null,
                    }.Where(pending => pending.Value is not null).ToDictionary(pending => pending.Key, pending => pending.Value!),
                StorageType = changes.StorageType ?? database.StorageType,
                CopyTagsToSnapshot = changes.CopyTagsToSnapshot ?? database.CopyTagsToSnapshot,
                MultiAz = changes.MultiAz ?? database.MultiAz,
                ParameterGroups = changes.ParameterGroupName is { } group ? [group] : database.ParameterGroups,
            };
            Databases[database.Identifier] = database;
            return database;
        }));
        rds.DescribeParameterGroupAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:DescribeDBParameterGroups", () =>
            ParameterGroups.TryGetValue(call.Arg<string>(), out var group) ? group.Group : null));
        rds.CreateParameterGroupAsync(Arg.Any<DbParameterGroup>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:CreateDBParameterGroup", () =>
        {
            ParameterGroups[call.Arg<DbParameterGroup>().Name] = (call.Arg<DbParameterGroup>(), []);
            return Task.CompletedTask;
        }));
        rds.CreateSnapshotAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:CreateDBSnapshot", () =>
        {
            Snapshots[call.ArgAt<string>(1)] = "creating";
            return Task.CompletedTask;
        }));
        // Each look makes a creating snapshot available.
        rds.SnapshotStatusAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:DescribeDBSnapshots", () =>
        {
            var status = Snapshots.GetValueOrDefault(call.Arg<string>());
            if (status is not null)
            {
                Snapshots[call.Arg<string>()] = "available";
            }

            return status;
        }));
        rds.UserParametersAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:DescribeDBParameters", () =>
            (IReadOnlyDictionary<string, string>)new Dictionary<string, string>(ParameterGroups[call.Arg<string>()].Parameters)));
        rds.SetParameterAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("rds:ModifyDBParameterGroup", () =>
        {
            ParameterGroups[call.ArgAt<string>(0)].Parameters[call.ArgAt<string>(1)] = call.ArgAt<string>(2);
            return Task.CompletedTask;
        }));
        return rds;
    }

    private IIamClient Iam()
    {
        var iam = Substitute.For<IIamClient>();
        iam.GetRoleAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:GetRole", () => Roles.GetValueOrDefault(call.ArgAt<string>(0))));
        iam.CreateRoleAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:CreateRole", () =>
            Roles[call.ArgAt<string>(0)] = new IamRole(call.ArgAt<string>(0), "arn:aws:iam::123456789012:role/" + call.ArgAt<string>(0), call.ArgAt<IReadOnlyDictionary<string, string>>(3), call.ArgAt<string>(2))));
        iam.PutRolePermissionsBoundaryAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:PutRolePermissionsBoundary", () =>
        {
            Roles[call.ArgAt<string>(0)] = Roles[call.ArgAt<string>(0)] with { PermissionsBoundaryArn = call.ArgAt<string>(1) };
            return Task.CompletedTask;
        }));
        // GetPolicy, then GetPolicyVersion of its default version when there is one.
        iam.GetPolicyDocumentAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:GetPolicy", () =>
        {
            var found = ManagedPolicies.GetValueOrDefault(call.ArgAt<string>(0).Split('/').Last());
            if (found is not null)
            {
                Calls.Add("iam:GetPolicyVersion");
            }

            return found;
        }));
        iam.CreatePolicyAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:CreatePolicy", () =>
        {
            ManagedPolicies[call.ArgAt<string>(0)] = call.ArgAt<string>(1);
            return Task.CompletedTask;
        }));
        iam.GetRolePolicyAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:GetRolePolicy", () =>
            RolePolicies.GetValueOrDefault(call.ArgAt<string>(0) + "/" + call.ArgAt<string>(1))));
        iam.PutRolePolicyAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:PutRolePolicy", () =>
        {
            RolePolicies[call.ArgAt<string>(0) + "/" + call.ArgAt<string>(1)] = call.ArgAt<string>(2);
            return Task.CompletedTask;
        }));
        iam.GetInstanceProfileAsync(Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:GetInstanceProfile", () => Profiles.GetValueOrDefault(call.ArgAt<string>(0))));
        iam.CreateInstanceProfileAsync(Arg.Any<string>(), Arg.Any<IReadOnlyDictionary<string, string>>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:CreateInstanceProfile", () =>
            Profiles[call.ArgAt<string>(0)] = new IamInstanceProfile(call.ArgAt<string>(0), "arn:aws:iam::123456789012:instance-profile/" + call.ArgAt<string>(0), [])));
        iam.AddRoleToInstanceProfileAsync(Arg.Any<string>(), Arg.Any<string>(), Arg.Any<CancellationToken>()).Returns(call => Record("iam:AddRoleToInstanceProfile", () =>
        {
            var profile = Profiles[call.ArgAt<string>(0)];
            Profiles[profile.Name] = profile with { RoleNames = [.. profile.RoleNames, call.ArgAt<string>(1)] };
            return Task.CompletedTask;
        }));
        return iam;
    }
}
