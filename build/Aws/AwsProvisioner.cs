using Amazon.EC2;
using Amazon.EC2.Model;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement.Model;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using Ec2Tag = Amazon.EC2.Model.Tag;
using Filter = Amazon.EC2.Model.Filter;
using S3Tag = Amazon.S3.Model.Tag;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// Finds an environment's AWS resources by their tags and names, compares each with the settings
/// and says what would change (<see cref="PlanAsync"/>, read-only calls only), or changes it
/// (<see cref="ProvisionAsync"/>). Resources are visited in dependency order, so that what one
/// creates (a group's id, the instance) is there for the next.
/// </summary>
public sealed class AwsProvisioner(
    DeploySettings settings,
    string repositoryRoot,
    Secret masterPassword,
    AwsServices aws,
    WaitOptions wait,
    IAwsLog log)
{
    /// <summary>Canonical's public parameter for the current Ubuntu LTS (24.04) image of the region.</summary>
    public const string UbuntuLtsParameter = "/aws/service/canonical/ubuntu/server/24.04/stable/current/amd64/hvm/ebs-gp3/ami-id";

    private readonly AwsNames _names = new(settings);
    private readonly AwsLookup _lookup = new(aws, new AwsNames(settings));
    private string? _webGroupId;
    private string? _databaseGroupId;
    private Instance? _instance;
    private string? _publicIp;
    private DbInstance? _database;

    private AwsSettings Settings => settings.Aws;

    private string KnownHostsFile => Path.Combine(repositoryRoot, settings.Ssh.KnownHosts);

    /// <summary>What Provision would do, from Describe, Get and List calls only.</summary>
    public async Task<IReadOnlyList<ResourceChange>> PlanAsync(CancellationToken cancellationToken)
    {
        await SayWhereAsync(cancellationToken);
        var changes = new List<ResourceChange>();
        foreach (var inspect in Resources())
        {
            var change = await inspect(cancellationToken);
            // The plan is the Plan target's result, printed whole at the end of the run.
            log.Verbose(change.ToString());
            changes.Add(change);
        }

        return changes;
    }

    /// <summary>What the last <see cref="ProvisionAsync"/> made, read back from AWS once everything is in place.</summary>
    public AwsOutputs? Outputs { get; private set; }

    /// <summary>Applies the plan resource by resource; returns what was changed (nothing on a second run).</summary>
    public async Task<IReadOnlyList<ResourceChange>> ProvisionAsync(CancellationToken cancellationToken)
    {
        await SayWhereAsync(cancellationToken);
        var changes = new List<ResourceChange>();
        foreach (var inspect in Resources())
        {
            var change = await inspect(cancellationToken);
            log.Information(change.ToString());
            if (change.Apply is not null)
            {
                await change.Apply(cancellationToken);
                changes.Add(change);
            }
        }

        log.Information(Summary(changes, "Provision"));
        Outputs = await AwsOutputs.LookUpAsync(aws, settings, cancellationToken);
        log.Information($"Provisioned: {Outputs}.");
        return changes;
    }

    /// <summary>One line: how many resources <paramref name="what"/> creates and updates, or that nothing is to do.</summary>
    public static string Summary(IReadOnlyList<ResourceChange> changes, string what) =>
        changes.All(change => change.Kind == ChangeKind.Unchanged)
            ? $"{what}: nothing to do, every resource matches the settings."
            : $"{what}: {changes.Count(c => c.Kind == ChangeKind.Create)} to create, {changes.Count(c => c.Kind == ChangeKind.Update)} to update.";

    private async Task SayWhereAsync(CancellationToken cancellationToken)
    {
        var identity = await aws.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
        log.Information($"AWS account {identity.Account} ({identity.Arn}), region {aws.Ec2.Config.RegionEndpoint?.SystemName ?? Settings.Region}, environment '{settings.Environment}':");
        if (Settings.DatabasePubliclyAccessible)
        {
            log.Warning("Aws.DatabasePubliclyAccessible is on: the database gets a public address and 5432 opens to Aws.OperatorCidrs. Turn it off unless you need it.");
        }

        if (Settings.BucketRefererPolicy)
        {
            log.Warning("Aws.BucketRefererPolicy is on: anyone who sends a Referer header of the site can read the bucket's objects, and a Referer header can be forged.");
        }
    }

    private IEnumerable<Func<CancellationToken, Task<ResourceChange>>> Resources() =>
    [
        ct => SecurityGroupAsync(_names.WebGroup, "Web host: SSH from the operators, HTTP and HTTPS from anywhere", WebRules, id => _webGroupId = id, ct),
        ct => SecurityGroupAsync(_names.DatabaseGroup, "Database: PostgreSQL from the web group only", DatabaseRules, id => _databaseGroupId = id, ct),
        KeyPairAsync,
        RoleAsync,
        RolePolicyAsync,
        InstanceProfileAsync,
        BucketAsync,
        InstanceAsync,
        ElasticIpAsync,
        HostKeysAsync,
        DatabaseAsync,
    ];

    // ---- security groups ----

    private IReadOnlyList<IngressRule> WebRules() =>
        Settings.OperatorCidrs.Select(cidr => IngressRule.FromCidr(22, cidr))
            .Concat(new[] { 80, 443 }.SelectMany(port => new[] { IngressRule.FromCidr(port, "0.0.0.0/0"), IngressRule.FromCidr(port, "::/0") }))
            .ToList();

    private IReadOnlyList<IngressRule> DatabaseRules() =>
        new[] { IngressRule.FromGroup(settings.Database.Port, _webGroupId) }
            .Concat(Settings.DatabasePubliclyAccessible ? Settings.OperatorCidrs.Select(cidr => IngressRule.FromCidr(settings.Database.Port, cidr)) : [])
            .ToList();

    private async Task<ResourceChange> SecurityGroupAsync(
        string name, string description, Func<IReadOnlyList<IngressRule>> wanted, Action<string> found, CancellationToken cancellationToken)
    {
        var resource = "security group " + name;
        var groups = await aws.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = _lookup.TagFilters(name) }, cancellationToken);
        var group = groups.SecurityGroups?.FirstOrDefault();
        if (group is null)
        {
            return ResourceChange.Create(resource, "ingress " + string.Join(", ", wanted()), async ct =>
            {
                var created = await aws.Ec2.CreateSecurityGroupAsync(
                    new CreateSecurityGroupRequest { GroupName = name, Description = description, TagSpecifications = TagSpecification(ResourceType.SecurityGroup, name) }, ct);
                found(created.GroupId);
                await aws.Ec2.AuthorizeSecurityGroupIngressAsync(
                    new AuthorizeSecurityGroupIngressRequest { GroupId = created.GroupId, IpPermissions = wanted().Select(rule => rule.ToPermission()).ToList() }, ct);
            });
        }

        found(group.GroupId);
        var actual = IngressRule.FromPermissions(group.IpPermissions);
        var rules = wanted();
        var fixes = rules.Except(actual).Select(rule => ($"ingress {rule} missing", (Func<CancellationToken, Task>)(ct =>
                aws.Ec2.AuthorizeSecurityGroupIngressAsync(new AuthorizeSecurityGroupIngressRequest { GroupId = group.GroupId, IpPermissions = [rule.ToPermission()] }, ct))))
            .Concat(actual.Except(rules).Select(rule => ($"ingress {rule} not wanted", (Func<CancellationToken, Task>)(ct =>
                aws.Ec2.RevokeSecurityGroupIngressAsync(new RevokeSecurityGroupIngressRequest { GroupId = group.GroupId, IpPermissions = [rule.ToPermission()] }, ct)))))
            .ToList();
        return ResourceChange.Update(resource, fixes);
    }

    // ---- key pair ----

    private async Task<ResourceChange> KeyPairAsync(CancellationToken cancellationToken)
    {
        var resource = "key pair " + Settings.KeyName;
        var publicKey = File.ReadAllText(Path.Combine(repositoryRoot, Settings.PublicKey)).Trim();
        var pairs = await aws.Ec2.DescribeKeyPairsAsync(
            new DescribeKeyPairsRequest { Filters = [new Filter("key-name", [Settings.KeyName])], IncludePublicKey = true }, cancellationToken);
        var pair = pairs.KeyPairs?.FirstOrDefault();
        if (pair is null)
        {
            return ResourceChange.Create(resource, "import " + Settings.PublicKey, ct =>
                aws.Ec2.ImportKeyPairAsync(new ImportKeyPairRequest
                {
                    KeyName = Settings.KeyName,
                    // The API takes the OpenSSH public key base64-encoded.
                    PublicKeyMaterial = Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(publicKey)),
                    TagSpecifications = TagSpecification(ResourceType.KeyPair, Settings.KeyName),
                }, ct));
        }

        if (pair.PublicKey is { Length: > 0 } existing && KeyBody(existing) != KeyBody(publicKey))
        {
            return ResourceChange.Update(resource, [($"holds another public key than {Settings.PublicKey}", _ => throw new InvalidOperationException(
                $"The EC2 key pair {Settings.KeyName} holds another public key than {Settings.PublicKey}, and EC2 cannot change a key pair. " +
                "Name a new one in Aws.KeyName, or delete the old one in the EC2 console if nothing uses it."))]);
        }

        return ResourceChange.Unchanged(resource);
    }

    private static string KeyBody(string openSshKey) => string.Join(' ', openSshKey.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(2));

    // ---- IAM: the instance's role, its bucket policy, its instance profile ----

    private async Task<ResourceChange> RoleAsync(CancellationToken cancellationToken)
    {
        var resource = "IAM role " + _names.Role;
        var role = await aws.Iam.GetRoleAsync(_names.Role, cancellationToken);
        if (role is null)
        {
            return ResourceChange.Create(resource, "assumable by EC2", ct =>
                aws.Iam.CreateRoleAsync(_names.Role, PolicyDocument.Ec2TrustPolicy(), _names.Tags(_names.Role), ct));
        }

        RequireOurs(resource, role.Tags);
        return ResourceChange.Unchanged(resource);
    }

    private async Task<ResourceChange> RolePolicyAsync(CancellationToken cancellationToken)
    {
        var resource = $"IAM role policy {_names.Role}/{AwsNames.BucketPolicyName}";
        var wanted = PolicyDocument.SiteBucketPolicy(Settings.BucketName);
        var actual = await aws.Iam.GetRolePolicyAsync(_names.Role, AwsNames.BucketPolicyName, cancellationToken);
        Task Put(CancellationToken ct) => aws.Iam.PutRolePolicyAsync(_names.Role, AwsNames.BucketPolicyName, wanted, ct);
        return actual is null
            ? ResourceChange.Create(resource, $"read and write s3://{Settings.BucketName} only", Put)
            : ResourceChange.Update(resource, PolicyDocument.SameAs(actual, wanted) ? [] : [("policy document", Put)]);
    }

    private async Task<ResourceChange> InstanceProfileAsync(CancellationToken cancellationToken)
    {
        var resource = "IAM instance profile " + _names.InstanceProfile;
        var profile = await aws.Iam.GetInstanceProfileAsync(_names.InstanceProfile, cancellationToken);
        Task AddRole(CancellationToken ct) => aws.Iam.AddRoleToInstanceProfileAsync(_names.InstanceProfile, _names.Role, ct);
        if (profile is null)
        {
            return ResourceChange.Create(resource, "with role " + _names.Role, async ct =>
            {
                await aws.Iam.CreateInstanceProfileAsync(_names.InstanceProfile, _names.Tags(_names.InstanceProfile), ct);
                await AddRole(ct);
            });
        }

        return ResourceChange.Update(resource, profile.RoleNames.Contains(_names.Role) ? [] : [("role " + _names.Role + " missing", AddRole)]);
    }

    // ---- S3 bucket ----

    private async Task<ResourceChange> BucketAsync(CancellationToken cancellationToken)
    {
        var bucket = Settings.BucketName;
        var resource = "S3 bucket " + bucket;
        string? location;
        try
        {
            location = (await aws.S3.GetBucketLocationAsync(new GetBucketLocationRequest { BucketName = bucket }, cancellationToken)).Location?.Value;
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == "NoSuchBucket")
        {
            return ResourceChange.Create(resource, $"in {Region}, private, tagged, CORS for GET", async ct =>
            {
                var request = new PutBucketRequest { BucketName = bucket };
                if (Region != "us-east-1")
                {
                    request.PutBucketConfiguration = new PutBucketConfiguration { LocationConstraint = new BucketLocationConstraint(Region) };
                }

                await aws.S3.PutBucketAsync(request, ct);
                foreach (var (_, fix) in BucketFixes(bucket, null, null, null, null))
                {
                    await fix(ct);
                }
            });
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == System.Net.HttpStatusCode.Forbidden)
        {
            throw new InvalidOperationException($"The bucket name {bucket} is taken by another AWS account (S3 said {exception.ErrorCode}): choose another Aws.BucketName.", exception);
        }

        var actualRegion = string.IsNullOrEmpty(location) ? "us-east-1" : location == "EU" ? "eu-west-1" : location;
        if (actualRegion != Region)
        {
            throw new InvalidOperationException($"The bucket {bucket} is in {actualRegion}, not in {Region}: a bucket cannot move; choose another Aws.BucketName or region.");
        }

        var tags = await Optional(() => aws.S3.GetBucketTaggingAsync(new GetBucketTaggingRequest { BucketName = bucket }, cancellationToken), "NoSuchTagSet");
        var cors = await Optional(() => aws.S3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = bucket }, cancellationToken), "NoSuchCORSConfiguration");
        var block = await Optional(() => aws.S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = bucket }, cancellationToken), "NoSuchPublicAccessBlockConfiguration");
        var policy = await Optional(() => aws.S3.GetBucketPolicyAsync(new GetBucketPolicyRequest { BucketName = bucket }, cancellationToken), "NoSuchBucketPolicy");
        return ResourceChange.Update(resource, BucketFixes(
            bucket,
            tags?.TagSet?.ToDictionary(tag => tag.Key, tag => tag.Value) ?? [],
            cors?.Configuration?.Rules ?? [],
            block?.PublicAccessBlockConfiguration,
            string.IsNullOrWhiteSpace(policy?.Policy) ? "" : policy.Policy).ToList());
    }

    /// <summary>The bucket attributes that differ from the settings (all of them for a new bucket, whose attributes are null).</summary>
    private IEnumerable<(string, Func<CancellationToken, Task>)> BucketFixes(
        string bucket, Dictionary<string, string>? tags, List<CORSRule>? cors, PublicAccessBlockConfiguration? block, string? policy)
    {
        var wantedTags = _names.Tags(bucket);
        if (tags is null || wantedTags.Any(tag => !tags.TryGetValue(tag.Key, out var value) || value != tag.Value))
        {
            yield return ("tags", ct => aws.S3.PutBucketTaggingAsync(new PutBucketTaggingRequest
            {
                BucketName = bucket,
                TagSet = (tags ?? []).Where(tag => !wantedTags.ContainsKey(tag.Key)).Concat(wantedTags).Select(tag => new S3Tag { Key = tag.Key, Value = tag.Value }).ToList(),
            }, ct));
        }

        if (cors is null || cors.Count != 1 || !IsWantedCors(cors[0]))
        {
            yield return ("CORS (GET from any origin, Authorization header, max age 3000s)", ct => aws.S3.PutCORSConfigurationAsync(new PutCORSConfigurationRequest
            {
                BucketName = bucket,
                Configuration = new CORSConfiguration { Rules = [WantedCors()] },
            }, ct));
        }

        // The referer policy is public, so it needs the two policy-related blocks off; ACLs stay blocked.
        var publicPolicy = Settings.BucketRefererPolicy;
        if (block is null || block.BlockPublicAcls != true || block.IgnorePublicAcls != true || block.BlockPublicPolicy != !publicPolicy || block.RestrictPublicBuckets != !publicPolicy)
        {
            yield return (publicPolicy ? "Block Public Access (ACLs blocked, public policy allowed)" : "Block Public Access (all on)", ct => aws.S3.PutPublicAccessBlockAsync(new PutPublicAccessBlockRequest
            {
                BucketName = bucket,
                PublicAccessBlockConfiguration = new PublicAccessBlockConfiguration
                {
                    BlockPublicAcls = true,
                    IgnorePublicAcls = true,
                    BlockPublicPolicy = !publicPolicy,
                    RestrictPublicBuckets = !publicPolicy,
                },
            }, ct));
        }

        if (publicPolicy)
        {
            var wanted = TemplateRenderer.Render("bucket-referer-policy.json", new Dictionary<string, string> { ["Bucket"] = bucket, ["Referers"] = RefererPatterns(settings) });
            if (!PolicyDocument.SameAs(policy, wanted))
            {
                yield return ("bucket policy (public read for the site's Referer)", ct => aws.S3.PutBucketPolicyAsync(new PutBucketPolicyRequest { BucketName = bucket, Policy = wanted }, ct));
            }
        }
        else if (!string.IsNullOrEmpty(policy))
        {
            yield return ("bucket policy present, none wanted", ct => aws.S3.DeleteBucketPolicyAsync(new DeleteBucketPolicyRequest { BucketName = bucket }, ct));
        }
    }

    private static CORSRule WantedCors() => new()
    {
        AllowedMethods = ["GET"],
        AllowedOrigins = ["*"],
        AllowedHeaders = ["Authorization"],
        MaxAgeSeconds = 3000,
    };

    private static bool IsWantedCors(CORSRule rule) =>
        (rule.AllowedMethods ?? []).SequenceEqual(["GET"])
        && (rule.AllowedOrigins ?? []).SequenceEqual(["*"])
        && (rule.AllowedHeaders ?? []).SequenceEqual(["Authorization"])
        && rule.MaxAgeSeconds == 3000;

    private static async Task<T?> Optional<T>(Func<Task<T>> get, string absentCode)
        where T : class
    {
        try
        {
            return await get();
        }
        catch (AmazonS3Exception exception) when (exception.ErrorCode == absentCode)
        {
            return null;
        }
    }

    // ---- EC2 instance ----

    private async Task<ResourceChange> InstanceAsync(CancellationToken cancellationToken)
    {
        var resource = "EC2 instance " + _names.Instance;
        _instance = await _lookup.FindInstanceAsync(cancellationToken);
        if (_instance is null)
        {
            var image = Settings.Ami.Length > 0 ? Settings.Ami : "the current Ubuntu 24.04 LTS";
            return ResourceChange.Create(resource, $"{Settings.InstanceType} from {image}, termination protection, root volume {Settings.RootVolumeGigabytes} GB kept on termination", LaunchAsync);
        }

        var instanceId = _instance.InstanceId;
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        var protection = await aws.Ec2.DescribeInstanceAttributeAsync(
            new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.DisableApiTermination }, cancellationToken);
        if (protection.InstanceAttribute?.DisableApiTermination != true)
        {
            fixes.Add(("termination protection off", ProtectAsync));
        }

        var root = _instance.BlockDeviceMappings?.FirstOrDefault(mapping => mapping.DeviceName == _instance.RootDeviceName);
        if (root?.Ebs?.DeleteOnTermination == true)
        {
            fixes.Add(("root volume deleted on termination", ct => aws.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
            {
                InstanceId = instanceId,
                BlockDeviceMappings = [new InstanceBlockDeviceMappingSpecification { DeviceName = root.DeviceName, Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = false } }],
            }, ct)));
        }

        if (_instance.InstanceType?.Value is { } type && type != Settings.InstanceType)
        {
            fixes.Add(($"instance type {type} (a change needs a stop and start{(Settings.AllowInstanceRestart ? "" : ", which Aws.AllowInstanceRestart does not allow")})", ChangeInstanceTypeAsync));
        }

        var groups = (_instance.SecurityGroups ?? []).Select(group => group.GroupId).ToList();
        if (_webGroupId is null || !groups.Contains(_webGroupId))
        {
            fixes.Add(("security group " + _names.WebGroup + " missing", ct => aws.Ec2.ModifyInstanceAttributeAsync(
                new ModifyInstanceAttributeRequest { InstanceId = instanceId, Groups = groups.Append(_webGroupId!).ToList() }, ct)));
        }

        if (_instance.IamInstanceProfile is null)
        {
            fixes.Add(("instance profile " + _names.InstanceProfile + " missing", ct => aws.Ec2.AssociateIamInstanceProfileAsync(
                new AssociateIamInstanceProfileRequest { InstanceId = instanceId, IamInstanceProfile = new IamInstanceProfileSpecification { Name = _names.InstanceProfile } }, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }

    /// <summary>EC2 changes an instance's type only while it is stopped: stop, modify, start, each waited for.</summary>
    private async Task ChangeInstanceTypeAsync(CancellationToken cancellationToken)
    {
        var instanceId = _instance!.InstanceId;
        if (!Settings.AllowInstanceRestart)
        {
            throw new InvalidOperationException(
                $"The instance {_names.Instance} ({instanceId}) is a {_instance.InstanceType?.Value}, the settings say {Settings.InstanceType}: EC2 changes the type only " +
                "while the instance is stopped, so the site would be offline for a few minutes (the Elastic IP and the disk stay). " +
                $"Set Aws.AllowInstanceRestart to true (--aws_allowinstancerestart=true) to allow it, or set Aws.InstanceType back to {_instance.InstanceType?.Value}.");
        }

        log.Warning($"Stopping {instanceId} to change its type from {_instance.InstanceType?.Value} to {Settings.InstanceType} (Aws.AllowInstanceRestart is on).");
        await aws.Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        await WaitForInstanceStateAsync(instanceId, "stopped", cancellationToken);
        await aws.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instanceId, InstanceType = Settings.InstanceType }, cancellationToken);
        await aws.Ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        _instance = await WaitForInstanceStateAsync(instanceId, "running", cancellationToken);
    }

    private Task<Instance?> WaitForInstanceStateAsync(string instanceId, string wanted, CancellationToken cancellationToken) =>
        Waiter.UntilAsync("instance " + instanceId, async ct =>
        {
            var reply = await aws.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, ct);
            var current = reply.Reservations?.SelectMany(reservation => reservation.Instances ?? []).FirstOrDefault();
            var state = current?.State?.Name?.Value ?? "unknown";
            return (state == wanted, state, current);
        }, wait, log, cancellationToken);

    private Task ProtectAsync(CancellationToken cancellationToken) =>
        aws.Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = _instance!.InstanceId, DisableApiTermination = true }, cancellationToken);

    private async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var imageId = Settings.Ami.Length > 0
            ? Settings.Ami
            : (await aws.Ssm.GetParameterAsync(new GetParameterRequest { Name = UbuntuLtsParameter }, cancellationToken)).Parameter.Value;
        var image = (await aws.Ec2.DescribeImagesAsync(new DescribeImagesRequest { ImageIds = [imageId] }, cancellationToken)).Images?.FirstOrDefault()
            ?? throw new InvalidOperationException($"EC2 knows no image {imageId} in {Region}: check Aws.Ami.");
        var request = new RunInstancesRequest
        {
            ImageId = imageId,
            InstanceType = InstanceType.FindValue(Settings.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            KeyName = Settings.KeyName,
            SecurityGroupIds = [_webGroupId!],
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = _names.InstanceProfile },
            DisableApiTermination = true,
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required },
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = image.RootDeviceName,
                    Ebs = new EbsBlockDevice { DeleteOnTermination = false, VolumeSize = Settings.RootVolumeGigabytes, VolumeType = VolumeType.Gp3, Encrypted = true },
                },
            ],
            TagSpecifications = [.. TagSpecification(ResourceType.Instance, _names.Instance), .. TagSpecification(ResourceType.Volume, _names.Instance)],
        };

        // A new instance profile takes a few seconds to be usable by EC2.
        var launched = await Waiter.UntilAsync("launch of " + _names.Instance, async ct =>
        {
            try
            {
                var reply = await aws.Ec2.RunInstancesAsync(request, ct);
                return (true, "launched", reply.Reservation.Instances[0]);
            }
            catch (AmazonEC2Exception exception) when (exception.ErrorCode == "InvalidParameterValue" && exception.Message.Contains("iamInstanceProfile", StringComparison.OrdinalIgnoreCase))
            {
                return (false, "instance profile not usable yet", (Instance?)null);
            }
        }, wait, log, cancellationToken);
        _instance = launched;
        _instance = await WaitForInstanceStateAsync(launched!.InstanceId, "running", cancellationToken);

        // A launch does not always keep DisableApiTermination: check it, and set it again if it was lost.
        var protection = await aws.Ec2.DescribeInstanceAttributeAsync(
            new DescribeInstanceAttributeRequest { InstanceId = launched.InstanceId, Attribute = InstanceAttributeName.DisableApiTermination }, cancellationToken);
        if (protection.InstanceAttribute?.DisableApiTermination != true)
        {
            log.Warning($"Instance {launched.InstanceId} came up without termination protection: setting it again.");
            await ProtectAsync(cancellationToken);
        }
    }

    // ---- Elastic IP ----

    private async Task<ResourceChange> ElasticIpAsync(CancellationToken cancellationToken)
    {
        var resource = "Elastic IP " + _names.ElasticIp;
        var address = await _lookup.FindAddressAsync(cancellationToken);
        Task Associate(string allocationId, CancellationToken ct) =>
            aws.Ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = _instance!.InstanceId }, ct);
        if (address is null)
        {
            return ResourceChange.Create(resource, "allocated and associated with " + _names.Instance, async ct =>
            {
                var allocated = await aws.Ec2.AllocateAddressAsync(
                    new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = TagSpecification(ResourceType.ElasticIp, _names.ElasticIp) }, ct);
                _publicIp = allocated.PublicIp;
                await Associate(allocated.AllocationId, ct);
            });
        }

        _publicIp = address.PublicIp;
        return ResourceChange.Update(resource, address.InstanceId is not null && address.InstanceId == _instance?.InstanceId
            ? []
            : [($"associated with {address.InstanceId ?? "nothing"}, not with {_instance?.InstanceId ?? "the new instance"}", ct => Associate(address.AllocationId, ct))]);
    }

    // ---- host keys ----

    private async Task<ResourceChange> HostKeysAsync(CancellationToken cancellationToken)
    {
        var resource = $"known_hosts entry of {_publicIp ?? "the new address"} in {settings.Ssh.KnownHosts}";
        if (_instance is null || _publicIp is null)
        {
            return ResourceChange.Create(resource, "host keys from the new instance's console output", ReadAndRecordHostKeysAsync);
        }

        var known = KnownHosts.Load(KnownHostsFile).KeysFor(_publicIp, settings.Ssh.Port);
        var console = await ConsoleKeysAsync(cancellationToken);
        if (console.Count > 0 && !HostKeys.SameKeys(console, known))
        {
            return known.Count == 0
                ? ResourceChange.Create(resource, $"{console.Count} host keys from the console output", ct => RecordAsync(console))
                : ResourceChange.Update(resource, [("host keys differ from the console output (refused)", _ => throw new InvalidOperationException(
                    $"The host keys {_publicIp} prints on its console differ from those {settings.Ssh.KnownHosts} trusts; a changed key is never " +
                    "accepted silently. If the instance was replaced on purpose, delete its old lines from that file and run Provision again."))]);
        }

        return console.Count == 0 && known.Count == 0
            ? ResourceChange.Create(resource, "host keys from the console output, once the instance prints them", ReadAndRecordHostKeysAsync)
            : ResourceChange.Unchanged(resource);
    }

    private async Task<IReadOnlyList<byte[]>> ConsoleKeysAsync(CancellationToken cancellationToken)
    {
        var output = await aws.Ec2.GetConsoleOutputAsync(new GetConsoleOutputRequest { InstanceId = _instance!.InstanceId, Latest = true }, cancellationToken);
        return HostKeys.FromConsoleOutput(output.Output);
    }

    private Task RecordAsync(IReadOnlyList<byte[]> keys)
    {
        KnownHosts.Replace(KnownHostsFile, _publicIp!, settings.Ssh.Port, keys);
        log.Information($"Recorded {keys.Count} host keys of {_publicIp} in {settings.Ssh.KnownHosts}.");
        return Task.CompletedTask;
    }

    private async Task ReadAndRecordHostKeysAsync(CancellationToken cancellationToken)
    {
        try
        {
            var keys = await Waiter.UntilAsync($"host keys of {_instance!.InstanceId} in its console output", async ct =>
            {
                var found = await ConsoleKeysAsync(ct);
                return (found.Count > 0, found.Count > 0 ? $"{found.Count} keys" : "not printed yet", found);
            }, wait, log, cancellationToken);
            await RecordAsync(keys);
        }
        catch (TimeoutException) when (settings.Ssh.TrustOnFirstUse)
        {
            log.Warning($"No host keys in the console output of {_instance!.InstanceId}: Ssh.TrustOnFirstUse is on, so the first connection will record the key it is shown.");
        }
        catch (TimeoutException exception)
        {
            throw new InvalidOperationException(
                $"{exception.Message} Without the host keys the suite will not connect to {_publicIp}. Run again later, or set Ssh.TrustOnFirstUse to accept the first key shown.", exception);
        }
    }

    // ---- RDS PostgreSQL ----

    private async Task<ResourceChange> DatabaseAsync(CancellationToken cancellationToken)
    {
        var resource = "RDS PostgreSQL " + _names.Database;
        _database = await aws.Rds.DescribeDbInstanceAsync(_names.Database, cancellationToken);
        if (_database is null)
        {
            return ResourceChange.Create(resource,
                $"{Settings.DatabaseInstanceClass}, PostgreSQL {Settings.DatabaseEngineVersion}, {Settings.DatabaseStorageGigabytes} GB, " +
                $"{(Settings.DatabasePubliclyAccessible ? "PUBLIC" : "private")}, backups {Settings.DatabaseBackupRetentionDays} days, deletion protection",
                async ct =>
                {
                    await aws.Rds.CreateDbInstanceAsync(new DbInstanceSpec(
                        _names.Database,
                        Settings.DatabaseInstanceClass,
                        Settings.DatabaseEngineVersion,
                        Settings.DatabaseStorageGigabytes,
                        settings.Database.MasterUser,
                        masterPassword,
                        [_databaseGroupId!],
                        Settings.DatabasePubliclyAccessible,
                        Settings.DatabaseBackupRetentionDays,
                        _names.Tags(_names.Database)), ct);
                    await WaitForDatabaseAsync(ct);
                });
        }

        RequireOurs(resource, _database.Tags);
        var differences = new List<string>();
        var refusals = new List<string>();
        var changes = new DbInstanceChanges();
        if (_database.PubliclyAccessible != Settings.DatabasePubliclyAccessible)
        {
            differences.Add($"PubliclyAccessible {_database.PubliclyAccessible}");
            changes = changes with { PubliclyAccessible = Settings.DatabasePubliclyAccessible };
        }

        if (!_database.DeletionProtection)
        {
            differences.Add("deletion protection off");
            changes = changes with { DeletionProtection = true };
        }

        if (_database.BackupRetentionPeriod != Settings.DatabaseBackupRetentionDays)
        {
            differences.Add($"backup retention {_database.BackupRetentionPeriod} days");
            changes = changes with { BackupRetentionPeriod = Settings.DatabaseBackupRetentionDays };
        }

        if (_database.InstanceClass != Settings.DatabaseInstanceClass)
        {
            differences.Add("class " + _database.InstanceClass);
            changes = changes with { InstanceClass = Settings.DatabaseInstanceClass };
        }

        if (_database.AllocatedStorage < Settings.DatabaseStorageGigabytes)
        {
            differences.Add($"storage {_database.AllocatedStorage} GB");
            changes = changes with { AllocatedStorage = Settings.DatabaseStorageGigabytes };
        }
        else if (_database.AllocatedStorage > Settings.DatabaseStorageGigabytes)
        {
            differences.Add($"storage {_database.AllocatedStorage} GB, more than {Settings.DatabaseStorageGigabytes}");
            refusals.Add($"RDS cannot shrink storage: set Aws.DatabaseStorageGigabytes to {_database.AllocatedStorage} or more.");
        }

        switch (EngineVersions.Compare(_database.EngineVersion, Settings.DatabaseEngineVersion))
        {
            case < 0:
                differences.Add("engine version " + _database.EngineVersion);
                changes = changes with
                {
                    EngineVersion = Settings.DatabaseEngineVersion,
                    AllowMajorVersionUpgrade = EngineVersions.Major(_database.EngineVersion) != EngineVersions.Major(Settings.DatabaseEngineVersion),
                };
                break;
            case > 0:
                differences.Add($"engine version {_database.EngineVersion}, newer than {Settings.DatabaseEngineVersion}");
                refusals.Add($"RDS cannot downgrade PostgreSQL: set Aws.DatabaseEngineVersion to {_database.EngineVersion} (or {EngineVersions.Major(_database.EngineVersion)}).");
                break;
        }

        if (_databaseGroupId is null || !_database.VpcSecurityGroupIds.SequenceEqual([_databaseGroupId]))
        {
            differences.Add("security groups " + string.Join(",", _database.VpcSecurityGroupIds));
            changes = changes with { VpcSecurityGroupIds = [_databaseGroupId ?? "(the db group, once made)"] };
        }

        return differences.Count == 0
            ? ResourceChange.Unchanged(resource)
            : new ResourceChange(resource, ChangeKind.Update, differences, async ct =>
            {
                if (refusals.Count > 0)
                {
                    throw new InvalidOperationException($"{resource} differs from the settings in a way RDS cannot apply; nothing was changed on it: {string.Join(" ", refusals)}");
                }

                await aws.Rds.ModifyDbInstanceAsync(_names.Database, changes, ct);
                await WaitForDatabaseAsync(ct);
            });
    }

    private async Task WaitForDatabaseAsync(CancellationToken cancellationToken) =>
        _database = await Waiter.UntilAsync("database " + _names.Database, async ct =>
        {
            var current = await aws.Rds.DescribeDbInstanceAsync(_names.Database, ct);
            var status = current?.Status ?? "not found";
            return (status == "available", status, current);
        }, wait, log, cancellationToken);

    // ---- shared ----

    private string Region => aws.Ec2.Config.RegionEndpoint?.SystemName ?? Settings.Region;

    private List<TagSpecification> TagSpecification(ResourceType type, string name) =>
        [new TagSpecification { ResourceType = type, Tags = _names.Tags(name).Select(tag => new Ec2Tag(tag.Key, tag.Value)).ToList() }];

    private void RequireOurs(string resource, IReadOnlyDictionary<string, string> tags)
    {
        if (!tags.TryGetValue("Project", out var project) || project != _names.Project || !tags.TryGetValue("Environment", out var environment) || environment != _names.Environment)
        {
            throw new InvalidOperationException(
                $"{resource} exists but is not tagged Project={_names.Project}, Environment={_names.Environment}: it belongs to something else. Rename the site or environment, or tag it if it is this one's.");
        }
    }

    /// <summary>The Referer patterns of every name of the site, over the scheme it is served with, as a JSON list.</summary>
    private static string RefererPatterns(DeploySettings settings)
    {
        var scheme = settings.Tls.Mode == TlsMode.Off ? "http" : "https";
        return System.Text.Json.JsonSerializer.Serialize(SiteTemplates.Names(settings.Site).Select(name => $"{scheme}://{name}/*"));
    }
}
