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

/// <summary>
/// Makes the run's AWS clients: credentials from the SDK's default chain only, the region from
/// the settings (or the SDK's fallback: AWS_REGION, the profile), and, when Aws.Endpoint is set,
/// every call (EC2, S3 path-style, RDS, IAM, SSM, STS) sent to that one endpoint.
/// </summary>
public static class AwsClientFactory
{
    public static RegionEndpoint? ResolveRegion(AwsSettings aws) =>
        aws.Region.Length > 0 ? RegionEndpoint.GetBySystemName(aws.Region) : FallbackRegionFactory.GetRegionEndpoint();

    public static AwsServices Create(AwsSettings aws, IAwsLog log)
    {
        var region = ResolveRegion(aws) ?? throw new InvalidOperationException("No AWS region: set Aws.Region or AWS_REGION.");
        var credentials = DefaultAWSCredentialsIdentityResolver.GetCredentials();
        var endpoint = aws.Endpoint.Length > 0 ? aws.Endpoint : null;

        T Configure<T>(T config)
            where T : ClientConfig
        {
            if (endpoint is null)
            {
                config.RegionEndpoint = region;
            }
            else
            {
                config.ServiceURL = endpoint;
                config.AuthenticationRegion = region.SystemName;
            }

            return config;
        }

        var http = new HttpClient { Timeout = TimeSpan.FromSeconds(60) };
        var options = new QueryClientOptions(
            async _ =>
            {
                var current = await credentials.GetCredentialsAsync();
                return new AwsSigningCredentials(current.AccessKey, current.SecretKey, current.UseToken ? current.Token : null);
            },
            () => DateTime.UtcNow,
            Task.Delay,
            log.Verbose);
        var rdsEndpoint = new Uri(endpoint ?? $"https://rds.{region.SystemName}.{region.PartitionDnsSuffix}/");
        // IAM is global: one endpoint per partition, signed for its home region.
        var iamEndpoint = new Uri(endpoint ?? (region.PartitionName == "aws" ? "https://iam.amazonaws.com/" : $"https://iam.{region.SystemName}.{region.PartitionDnsSuffix}/"));
        var iamRegion = region.PartitionName == "aws" ? "us-east-1" : region.SystemName;

        return new AwsServices(
            new AmazonEC2Client(credentials, Configure(new AmazonEC2Config())),
            new AmazonS3Client(credentials, Configure(new AmazonS3Config { ForcePathStyle = endpoint is not null })),
            new AmazonSimpleSystemsManagementClient(credentials, Configure(new AmazonSimpleSystemsManagementConfig())),
            new AmazonSecurityTokenServiceClient(credentials, Configure(new AmazonSecurityTokenServiceConfig())),
            new RdsClient(new QueryClient(http, rdsEndpoint, region.SystemName, "rds", RdsClient.ApiVersion, options)),
            new IamClient(new QueryClient(http, iamEndpoint, endpoint is null ? iamRegion : region.SystemName, "iam", IamClient.ApiVersion, options)));
    }
}
