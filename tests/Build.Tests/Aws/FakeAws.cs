using System.Text;
using Amazon;
using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Aws.Query;
using NSubstitute;
using Ec2Tag = Amazon.EC2.Model.Tag;
using IamInstanceProfile = CoralNet.Deploy.Aws.Query.IamInstanceProfile;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>
/// An in-memory AWS account behind NSubstitute fakes of the SDK's interfaces and of the suite's
/// RDS and IAM clients: what one call creates, the next Describe finds. Every call is recorded.
/// </summary>
internal sealed partial class FakeAws
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
}
