using System.Net;
using CoralNet.Deploy.Aws;

namespace CoralNet.Deploy.Settings;

/// <summary>The settings an AWS environment needs, and the names it makes there.</summary>
public static class AwsSettingsRules
{
    public static IEnumerable<string> Validate(DeploySettings settings, string repositoryRoot)
    {
        var aws = settings.Aws;
        if (aws.Region.Length == 0 && Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint() is null)
        {
            yield return "Aws.Region: not set, and neither AWS_REGION nor the AWS profile names one; set it, for example us-west-2.";
        }
        else if (aws.Region.Length > 0 && !SettingsPatterns.Region().IsMatch(aws.Region))
        {
            yield return $"Aws.Region: '{aws.Region}' is not an AWS region, for example us-west-2.";
        }
        else if (aws.Region.Length > 0 && !Amazon.RegionEndpoint.EnumerableAllRegions.Any(region => region.SystemName == aws.Region))
        {
            yield return $"Aws.Region: '{aws.Region}' is not a region the AWS SDK knows; check the spelling (for example us-west-2), or update the SDK if the region is new.";
        }

        if (aws.Endpoint.Length > 0 && !Uri.TryCreate(aws.Endpoint, UriKind.Absolute, out _))
        {
            yield return $"Aws.Endpoint: '{aws.Endpoint}' is not a URL.";
        }

        if (aws.InstanceType.Length == 0)
        {
            yield return "Aws.InstanceType: name an EC2 instance type, for example t3.small.";
        }

        if (!SettingsPatterns.EngineVersion().IsMatch(aws.DatabaseEngineVersion))
        {
            yield return $"Aws.DatabaseEngineVersion: '{aws.DatabaseEngineVersion}' is not a PostgreSQL version such as 16 or 16.4.";
        }

        if (aws.DatabaseStorageType is not ("gp3" or "gp2" or "io1" or "io2" or "standard"))
        {
            yield return $"Aws.DatabaseStorageType: '{aws.DatabaseStorageType}' is not an RDS storage type: gp3 (the default), gp2, io1, io2 or standard.";
        }

        if (aws.Ami.Length > 0 && !SettingsPatterns.Ami().IsMatch(aws.Ami))
        {
            yield return $"Aws.Ami: '{aws.Ami}' is not an image id (ami-...); leave it empty for the current Debian 12 image.";
        }

        if (!SettingsPatterns.KeyPairName().IsMatch(aws.KeyName))
        {
            yield return $"Aws.KeyName: '{aws.KeyName}' must name the EC2 key pair (letters, digits, '-', '_', '.').";
        }

        if (!File.Exists(Path.Combine(repositoryRoot, aws.PublicKey)))
        {
            yield return $"Aws.PublicKey: no file '{aws.PublicKey}'; name your OpenSSH public key, for example ~/.ssh/id_ed25519.pub.";
        }
        else if (!PublicKeyFormat.TryCheck(File.ReadAllText(Path.Combine(repositoryRoot, aws.PublicKey)).Trim(), out var keyError))
        {
            yield return $"Aws.PublicKey: {keyError}";
        }

        if (aws.OperatorCidrs.Count == 0)
        {
            yield return "Aws.OperatorCidrs: name the addresses that may reach SSH, for example [\"203.0.113.7/32\"].";
        }

        foreach (var cidr in aws.OperatorCidrs)
        {
            var block = OperatorCidr.TryParse(cidr);
            if (block is null)
            {
                yield return $"Aws.OperatorCidrs: '{cidr}' is not a CIDR block such as 203.0.113.7/32.";
            }
            else if (block.IsWide && !aws.AllowSshFromAnywhere)
            {
                yield return $"Aws.OperatorCidrs: '{cidr}' opens SSH to {(block.Prefix == 0 ? "the whole internet" : "a large part of the internet")} " +
                    $"(prefixes shorter than /{OperatorCidr.WidestIpv4Prefix} for IPv4, /{OperatorCidr.WidestIpv6Prefix} for IPv6); name your own addresses, " +
                    "or set Aws.AllowSshFromAnywhere to true if you mean it.";
            }
        }

        if (!SettingsPatterns.BucketName().IsMatch(aws.BucketName) || aws.BucketName.Contains(".."))
        {
            yield return $"Aws.BucketName: '{aws.BucketName}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '-', '.').";
        }

        var database = new AwsNames(settings).Database;
        if (!SettingsPatterns.RdsIdentifier().IsMatch(database) || database.Contains("--", StringComparison.Ordinal))
        {
            yield return $"Site.Name: with the environment '{settings.Environment}' the RDS instance would be named '{database}', which RDS refuses (letters, digits and single hyphens, starting with a letter, at most 63): use letters, digits and '-' in Site.Name and in the environment's name.";
        }

        foreach (var problem in LoadBalancerProblems(settings))
        {
            yield return problem;
        }

        if (settings.Ssh.PrivateKey.Length == 0)
        {
            yield return "Ssh.PrivateKey: name the private key that matches Aws.PublicKey.";
        }

        if (settings.Ssh.KnownHosts.Length == 0)
        {
            yield return "Ssh.KnownHosts: name the known_hosts file where the instance's host keys are kept.";
        }

        foreach (var problem in SettingsValidator.InRange("Aws.RootVolumeGigabytes", aws.RootVolumeGigabytes, 8, 16_384)
                     .Concat(SettingsValidator.InRange("Aws.DatabaseStorageGigabytes", aws.DatabaseStorageGigabytes, 20, 65_536))
                     .Concat(SettingsValidator.InRange("Aws.DatabaseBackupRetentionDays", aws.DatabaseBackupRetentionDays, 0, 35))
                     .Concat(SettingsValidator.InRange("Aws.PresignedUrlExpirySeconds", aws.PresignedUrlExpirySeconds, 1, 604_800))
                     .Concat(SettingsValidator.InRange("Aws.DeregistrationDelaySeconds", aws.DeregistrationDelaySeconds, 0, 3600)))
        {
            yield return problem;
        }

        foreach (var (path, _) in SettingsLoader.SecretsOf(settings).Where(secret => secret.Reference.Source == SecretSource.Generated))
        {
            yield return $"{path}: generated secrets are for the sandbox only; use env:VARIABLE or ssm:/path/name.";
        }
    }

    private static IEnumerable<string> LoadBalancerProblems(DeploySettings settings)
    {
        var aws = settings.Aws;
        if (aws.WebInstances is < 1 or > 20)
        {
            yield return $"Aws.WebInstances: {aws.WebInstances} is not a number of web instances from 1 to 20.";
        }

        if (!aws.LoadBalancer)
        {
            if (aws.WebInstances > 1)
            {
                yield return $"Aws.WebInstances: {aws.WebInstances} instances need a load balancer to share the site's traffic; set Aws.LoadBalancer to true (and Aws.CertificateArn), or Aws.WebInstances to 1.";
            }

            if (aws.CertificateArn.Length > 0)
            {
                yield return "Aws.CertificateArn: set, but there is no load balancer to use it; set Aws.LoadBalancer to true, or leave Aws.CertificateArn empty.";
            }

            yield break;
        }

        if (aws.CertificateArn.Length == 0)
        {
            yield return "Aws.CertificateArn: the load balancer's HTTPS listener needs an ACM certificate; request or import one for the site's domain in ACM and name its ARN (arn:aws:acm:REGION:ACCOUNT:certificate/ID).";
        }
        else if (!SettingsPatterns.CertificateArn().IsMatch(aws.CertificateArn))
        {
            yield return $"Aws.CertificateArn: '{aws.CertificateArn}' is not an ACM certificate ARN such as arn:aws:acm:us-west-2:123456789012:certificate/ID.";
        }
        else if (aws.Region.Length > 0 && aws.CertificateArn.Split(':')[3] != aws.Region)
        {
            yield return $"Aws.CertificateArn: the certificate is in {aws.CertificateArn.Split(':')[3]}, the load balancer in {aws.Region}; a load balancer uses certificates of its own region only: import or request it in {aws.Region}.";
        }

        var name = new AwsNames(settings).LoadBalancer;
        if (name.Length > 32)
        {
            yield return $"Site.Name: with the environment '{settings.Environment}' the load balancer would be named '{name}', longer than the 32 characters ELBv2 allows: shorten Site.Name or the environment's name.";
        }
    }
}
