using Amazon.EC2;
using Amazon.S3;
using Amazon.SecurityToken;
using Amazon.SimpleSystemsManagement;
using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws;

/// <summary>The AWS clients one run uses: the SDK's for EC2, S3, SSM and STS, the suite's Query clients for RDS, IAM and ELBv2 and its JSON client for ECR.</summary>
public sealed record AwsServices(
    IAmazonEC2 Ec2,
    IAmazonS3 S3,
    IAmazonSimpleSystemsManagement Ssm,
    IAmazonSecurityTokenService Sts,
    IRdsClient Rds,
    IIamClient Iam,
    ElbClient? Elb = null,
    IDisposable? QueryTransport = null) : IDisposable
{
    /// <summary>ELBv2, which only an environment with Aws.LoadBalancer calls.</summary>
    public ElbClient LoadBalancing => Elb ?? throw new InvalidOperationException("No ELBv2 client was made for this run.");

    /// <summary>ECR, the container registry, which only an environment with Site.Runtime=container calls.</summary>
    public IEcrClient? Ecr { get; init; }

    public IEcrClient Registry => Ecr ?? throw new InvalidOperationException("No ECR client was made for this run.");

    public void Dispose()
    {
        Ec2.Dispose();
        S3.Dispose();
        Ssm.Dispose();
        Sts.Dispose();
        QueryTransport?.Dispose();
    }
}
