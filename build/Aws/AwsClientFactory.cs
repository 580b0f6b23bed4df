using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.Runtime.Credentials;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>How a run reaches AWS; the suite's <see cref="AwsClientFactory"/>, or fakes in tests.</summary>
public interface IAwsConnector
{
    /// <summary>Every client Plan and Provision use.</summary>
    AwsServices Connect(AwsSettings settings, IAwsLog log);

    /// <summary>Only SSM, for ssm: secrets while the settings load.</summary>
    IAmazonSimpleSystemsManagement Ssm(AwsSettings settings);
}

/// <summary>
/// Makes the run's AWS clients: credentials from the SDK's default chain only (tests may hand in
/// their own), the region from the settings (or the SDK's fallback: AWS_REGION, the profile), and,
/// when Aws.Endpoint is set, every call (EC2, S3 path-style, RDS, IAM, ELBv2, ECR, SSM, STS) sent to that one endpoint.
/// </summary>
public sealed class AwsClientFactory(AWSCredentials? credentials = null) : IAwsConnector
{
    public static RegionEndpoint? ResolveRegion(AwsSettings aws) =>
        aws.Region.Length > 0 ? RegionEndpoint.GetBySystemName(aws.Region) : FallbackRegionFactory.GetRegionEndpoint();

    private AWSCredentials Credentials => credentials ?? DefaultAWSCredentialsIdentityResolver.GetCredentials();

    public IAmazonSimpleSystemsManagement Ssm(AwsSettings aws) =>
        new AmazonSimpleSystemsManagementClient(Credentials, Configure(aws, new AmazonSimpleSystemsManagementConfig()));

    public AwsServices Connect(AwsSettings aws, IAwsLog log)
    {
        var region = Region(aws);
        var resolved = Credentials;
        var endpoint = aws.Endpoint.Length > 0 ? aws.Endpoint : null;
        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var options = new QueryClientOptions(
            async _ =>
            {
                var current = await resolved.GetCredentialsAsync();
                return new AwsSigningCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
            },
            () => DateTime.UtcNow,
            Task.Delay,
            log.Verbose);
        var rdsEndpoint = new Uri(endpoint ?? $"https://rds.{region.SystemName}.{region.PartitionDnsSuffix}/");
        var elbEndpoint = new Uri(endpoint ?? $"https://elasticloadbalancing.{region.SystemName}.{region.PartitionDnsSuffix}/");
        // IAM is global: one endpoint per partition, signed for its home region.
        var iamEndpoint = new Uri(endpoint ?? (region.PartitionName == "aws" ? "https://iam.amazonaws.com/" : $"https://iam.{region.SystemName}.{region.PartitionDnsSuffix}/"));
        var iamRegion = region.PartitionName == "aws" ? "us-east-1" : region.SystemName;
        var ecrEndpoint = new Uri(endpoint ?? $"https://api.ecr.{region.SystemName}.{region.PartitionDnsSuffix}/");

        return new AwsServices(
            new AmazonEC2Client(resolved, Configure(aws, new AmazonEC2Config())),
            new AmazonS3Client(resolved, Configure(aws, new AmazonS3Config { ForcePathStyle = endpoint is not null })),
            new AmazonSimpleSystemsManagementClient(resolved, Configure(aws, new AmazonSimpleSystemsManagementConfig())),
            new AmazonSecurityTokenServiceClient(resolved, Configure(aws, new AmazonSecurityTokenServiceConfig())),
            new RdsClient(new QueryClient(http, rdsEndpoint, region.SystemName, "rds", RdsClient.ApiVersion, options)),
            new IamClient(new QueryClient(http, iamEndpoint, endpoint is null ? iamRegion : region.SystemName, "iam", IamClient.ApiVersion, options)),
            new ElbClient(new QueryClient(http, elbEndpoint, region.SystemName, "elasticloadbalancing", ElbClient.ApiVersion, options)),
            http)
        {
            Ecr = new EcrClient(new JsonClient(new SignedPost(http, ecrEndpoint, region.SystemName, "ecr", options), EcrClient.TargetPrefix)),
        };
    }

    private static RegionEndpoint Region(AwsSettings aws) =>
        ResolveRegion(aws) ?? throw new InvalidOperationException("No AWS region: set Aws.Region or AWS_REGION.");

    private static T Configure<T>(AwsSettings aws, T config)
        where T : ClientConfig
    {
        var region = Region(aws);
        if (aws.Endpoint.Length == 0)
        {
            config.RegionEndpoint = region;
        }
        else
        {
            config.ServiceURL = aws.Endpoint;
            config.AuthenticationRegion = region.SystemName;
        }

        return config;
    }
}
