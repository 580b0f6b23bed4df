using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Amazon.SecurityToken;
using Amazon.SecurityToken.Model;
using Amazon.SimpleSystemsManagement;
using Amazon.SimpleSystemsManagement.Model;
using CoralNet.Deploy.Aws.Query;
using NSubstitute;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>The fake account's S3, SSM, STS, RDS and IAM (EC2 and the account's state: FakeAws.cs).</summary>
internal sealed partial class FakeAws
{
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
