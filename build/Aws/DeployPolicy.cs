using System.Text.Json.Nodes;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// The least-privilege IAM policy for whoever runs Plan and Provision: exactly the actions the
/// suite calls, each scoped to the environment's resources by ARN or by tag where AWS allows it.
/// </summary>
public static class DeployPolicy
{
    private const string MachineImageParameter = Resources.MachineImage.DebianParameter;

    public static IReadOnlyList<PolicyStatement> Statements(DeploySettings settings, string region)
    {
        var names = new AwsNames(settings);
        var ownTags = new JsonObject
        {
            ["StringEquals"] = new JsonObject
            {
                ["aws:ResourceTag/Project"] = names.Project,
                ["aws:ResourceTag/Environment"] = names.Environment,
            },
        };
        var requestTags = new JsonObject
        {
            ["StringEquals"] = new JsonObject
            {
                ["aws:RequestTag/Project"] = names.Project,
                ["aws:RequestTag/Environment"] = names.Environment,
            },
        };
        var bucket = $"arn:aws:s3:::{settings.Aws.BucketName}";
        var role = $"arn:aws:iam::*:role/{names.Role}";
        var boundary = $"arn:aws:iam::*:policy/{names.RoleBoundary}";
        var secretParameters = SettingsLoader.SecretsOf(settings).Where(secret => secret.Reference.Source == SecretSource.Ssm)
            .Select(secret => $"arn:aws:ssm:{region}:*:parameter/{secret.Reference.Name.TrimStart('/')}").Distinct().ToArray();
        PolicyStatement[] secrets = secretParameters.Length == 0 ? [] :
        [
            new("SecretParameters", ["ssm:GetParameter"], secretParameters),
            // SecureString values are decrypted by KMS on SSM's behalf only.
            new("DecryptSecretParametersThroughSsm", ["kms:Decrypt"], ["*"], new JsonObject
            {
                ["StringEquals"] = new JsonObject { ["kms:ViaService"] = $"ssm.{region}.amazonaws.com" },
            }),
        ];
        return
        [
            .. secrets,
            .. settings.Aws.LoadBalancer ? LoadBalancerStatements(names, region, requestTags, ownTags) : [],
            .. settings.Site.Runtime == SiteRuntime.Container ? RepositoryStatements(names, region) : [],
            // Describe calls and GetCallerIdentity support no resource-level scoping.
            new("ReadOnlyLookups",
                ["sts:GetCallerIdentity", "ec2:DescribeSecurityGroups", "ec2:DescribeKeyPairs", "ec2:DescribeInstances", "ec2:DescribeInstanceAttribute", "ec2:DescribeAddresses", "ec2:DescribeImages", "ec2:DescribeVolumes"],
                ["*"]),
            new("CreateOnlyWithTheEnvironmentsTags", ["ec2:CreateSecurityGroup", "ec2:ImportKeyPair", "ec2:AllocateAddress"], ["*"], requestTags),
            // RunInstances authorizes on each resource it touches: the instance only as configured
            // (type, IMDSv2, the environment's tags), volumes only encrypted, the rest as they are.
            new("LaunchOnlyTheConfiguredInstance", ["ec2:RunInstances"], [$"arn:aws:ec2:{region}:*:instance/*"], new JsonObject
            {
                ["StringEquals"] = new JsonObject
                {
                    ["ec2:InstanceType"] = settings.Aws.InstanceType,
                    ["ec2:MetadataHttpTokens"] = "required",
                    ["aws:RequestTag/Project"] = names.Project,
                    ["aws:RequestTag/Environment"] = names.Environment,
                },
            }),
            new("LaunchOnlyEncryptedVolumes", ["ec2:RunInstances"], [$"arn:aws:ec2:{region}:*:volume/*"], new JsonObject
            {
                ["Bool"] = new JsonObject { ["ec2:Encrypted"] = "true" },
            }),
            new("LaunchFromTheseResources", ["ec2:RunInstances"],
                [
                    $"arn:aws:ec2:{region}::image/*", $"arn:aws:ec2:{region}:*:subnet/*", $"arn:aws:ec2:{region}:*:network-interface/*",
                    $"arn:aws:ec2:{region}:*:security-group/*", $"arn:aws:ec2:{region}:*:key-pair/*",
                ]),
            new("TagOnlyWhileCreating", ["ec2:CreateTags"], ["*"], new JsonObject
            {
                ["StringEquals"] = new JsonObject
                {
                    ["ec2:CreateAction"] = new JsonArray("CreateSecurityGroup", "ImportKeyPair", "RunInstances", "AllocateAddress"),
                },
            }),
            new("ChangeOnlyTheEnvironmentsResources",
                [
                    "ec2:AuthorizeSecurityGroupIngress", "ec2:RevokeSecurityGroupIngress", "ec2:ModifyInstanceAttribute", "ec2:ModifyInstanceMetadataOptions", "ec2:AssociateIamInstanceProfile",
                    "ec2:AssociateAddress", "ec2:GetConsoleOutput", "ec2:StopInstances", "ec2:StartInstances",
                ],
                ["*"],
                ownTags),
            new("DebianImageParameter", ["ssm:GetParameter"], [$"arn:aws:ssm:{region}::parameter{MachineImageParameter}"]),
            new("ReadTheInstanceRole", ["iam:GetRole", "iam:GetRolePolicy", "iam:TagRole"], [role]),
            // The role is made and given policies only with the suite's boundary on it, so that no
            // inline policy can give it more than the bucket.
            new("ChangeTheInstanceRoleOnlyWithinItsBoundary", ["iam:CreateRole", "iam:PutRolePolicy", "iam:PutRolePermissionsBoundary"], [role], new JsonObject
            {
                ["StringLike"] = new JsonObject { ["iam:PermissionsBoundary"] = boundary },
            }),
            new("PassTheInstanceRoleToEc2Only", ["iam:PassRole"], [role], new JsonObject
            {
                ["StringEquals"] = new JsonObject { ["iam:PassedToService"] = "ec2.amazonaws.com" },
            }),
            // Read and create only: changing the boundary would lift the bound.
            new("TheRoleBoundary", ["iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicy", "iam:TagPolicy"], [boundary]),
            new("TheInstanceProfile",
                ["iam:GetInstanceProfile", "iam:CreateInstanceProfile", "iam:TagInstanceProfile", "iam:AddRoleToInstanceProfile"],
                [$"arn:aws:iam::*:instance-profile/{names.InstanceProfile}"]),
            new("TheSiteBucket",
                [
                    "s3:CreateBucket", "s3:GetBucketLocation", "s3:GetBucketTagging", "s3:PutBucketTagging", "s3:GetBucketCORS", "s3:PutBucketCORS",
                    "s3:GetBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock", "s3:GetBucketPolicy", "s3:PutBucketPolicy",
                    "s3:GetEncryptionConfiguration", "s3:PutEncryptionConfiguration", "s3:GetBucketVersioning", "s3:PutBucketVersioning",
                    "s3:GetBucketOwnershipControls", "s3:PutBucketOwnershipControls",
                ],
                [bucket]),
            // CreateDBInstance and ModifyDBInstance also authorize on the option group, parameter group and subnet group they name.
            new("TheDatabase",
                ["rds:DescribeDBInstances", "rds:CreateDBInstance", "rds:ModifyDBInstance", "rds:AddTagsToResource"],
                [
                    $"arn:aws:rds:{region}:*:db:{names.Database}", $"arn:aws:rds:{region}:*:pg:{names.Database}-postgres*",
                    $"arn:aws:rds:{region}:*:og:default:postgres-*", $"arn:aws:rds:{region}:*:subgrp:default*", $"arn:aws:rds:{region}:*:secgrp:*",
                ]),
            new("SnapshotTheDatabaseBeforeAClassOrVersionChange",
                ["rds:CreateDBSnapshot", "rds:DescribeDBSnapshots", "rds:AddTagsToResource"],
                [$"arn:aws:rds:{region}:*:db:{names.Database}", $"arn:aws:rds:{region}:*:snapshot:{names.Database}-before-*"]),
            new("TheDatabaseParameterGroup",
                ["rds:DescribeDBParameterGroups", "rds:CreateDBParameterGroup", "rds:DescribeDBParameters", "rds:ModifyDBParameterGroup", "rds:AddTagsToResource"],
                [$"arn:aws:rds:{region}:*:pg:{names.Database}-postgres*"]),
        ];
    }

    /// <summary>ECR: the login is account-wide (GetAuthorizationToken takes no resource); everything else only on the site's repository.</summary>
    private static PolicyStatement[] RepositoryStatements(AwsNames names, string region) =>
    [
        new("LogInToTheRegistry", [EcrActions.Login], ["*"]),
        new("TheSiteRepository", [.. EcrActions.Provision, .. EcrActions.Push.Except(EcrActions.Provision)], [EcrActions.RepositoryArn(region, "*", names.Repository)]),
    ];

    /// <summary>ELBv2: reads unscoped (Describe calls allow no resource), creation only with the environment's tags, changes only to its own.</summary>
    private static PolicyStatement[] LoadBalancerStatements(AwsNames names, string region, JsonObject requestTags, JsonObject ownTags)
    {
        var loadBalancer = $"arn:aws:elasticloadbalancing:{region}:*:loadbalancer/app/{names.LoadBalancer}/*";
        var targetGroup = $"arn:aws:elasticloadbalancing:{region}:*:targetgroup/{names.TargetGroup}/*";
        var listener = $"arn:aws:elasticloadbalancing:{region}:*:listener/app/{names.LoadBalancer}/*";
        return
        [
            new("LoadBalancerLookups",
                [
                    "ec2:DescribeVpcs", "ec2:DescribeSubnets", "elasticloadbalancing:DescribeLoadBalancers", "elasticloadbalancing:DescribeTargetGroups",
                    "elasticloadbalancing:DescribeTargetGroupAttributes", "elasticloadbalancing:DescribeListeners", "elasticloadbalancing:DescribeTargetHealth",
                    "elasticloadbalancing:DescribeTags",
                ],
                ["*"]),
            new("CreateTheLoadBalancerOnlyWithTheEnvironmentsTags",
                ["elasticloadbalancing:CreateLoadBalancer", "elasticloadbalancing:CreateTargetGroup", "elasticloadbalancing:CreateListener"],
                [loadBalancer, targetGroup, listener],
                requestTags),
            new("TagTheLoadBalancerOnlyWhileCreating", ["elasticloadbalancing:AddTags"], [loadBalancer, targetGroup, listener], new JsonObject
            {
                ["StringEquals"] = new JsonObject
                {
                    ["elasticloadbalancing:CreateAction"] = new JsonArray("CreateLoadBalancer", "CreateTargetGroup", "CreateListener"),
                },
            }),
            new("ChangeOnlyTheEnvironmentsLoadBalancer",
                [
                    "elasticloadbalancing:SetSecurityGroups", "elasticloadbalancing:ModifyTargetGroup", "elasticloadbalancing:ModifyTargetGroupAttributes",
                    "elasticloadbalancing:ModifyListener", "elasticloadbalancing:RegisterTargets", "elasticloadbalancing:DeregisterTargets",
                ],
                [loadBalancer, targetGroup, listener],
                ownTags),
        ];
    }

    public static string Render(DeploySettings settings, string region) => PolicyDocument.Write(Statements(settings, region));
}
