using Amazon.EC2;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws;

/// <summary>The AWS clients one run uses: the SDK's for EC2, S3, SSM and STS, the suite's Query clients for RDS and IAM.</summary>
public sealed record AwsServices(
    IAmazonEC2 Ec2,
    IAmazonS3 S3,
    IAmazonSimpleSystemsManagement Ssm,
    IAmazonSecurityTokenService Sts,
    IRdsClient Rds,
    IIamClient Iam,
    IDisposable? QueryTransport = null) : IDisposable
{
    public void Dispose()
    {
        Ec2.Dispose();
        S3.Dispose();
        Ssm.Dispose();
        Sts.Dispose();
        QueryTransport?.Dispose();
    }
}
