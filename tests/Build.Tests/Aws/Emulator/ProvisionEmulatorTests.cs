using Amazon.EC2.Model;
using Amazon.S3.Model;
using Filter = Amazon.EC2.Model.Filter;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>Plan, ProvisionAws and Provision of the emulator environment, run through the task graph against moto.</summary>
[NonParallelizable]
public sealed class ProvisionEmulatorTests
{
    private EmulatorRun _run = null!;

    [SetUp]
    public void SetUp() => _run = new EmulatorRun(MotoServer.Fresh());

    [TearDown]
    public void TearDown() => _run.Dispose();

    private static List<Filter> Named(string name) => [new Filter("tag:Name", [name]), new Filter("tag:Project", ["coralnet"])];

    [Test]
    public async Task An_empty_account_is_planned_without_change_then_provisioned_and_a_second_run_has_nothing_to_do()
    {
        var plan = _run.Succeed("--target=Plan");
        Assert.That(plan, Does.Contain("create     security group coralnet-emulator-web").And.Contain("ami-785db401"));
        Assert.That((await _run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-web") })).SecurityGroups ?? [], Is.Empty, "Plan made nothing");
        Assert.That((await _run.S3.ListBucketsAsync()).Buckets ?? [], Is.Empty);

        _run.Succeed("--target=ProvisionAws");

        var web = (await _run.Ec2.DescribeSecurityGroupsAsync(new DescribeSecurityGroupsRequest { Filters = Named("coralnet-emulator-web") })).SecurityGroups.Single();
        Assert.That(web.IpPermissions.Where(p => p.FromPort == 22).SelectMany(p => p.Ipv4Ranges).Select(r => r.CidrIp), Is.EqualTo(new[] { "203.0.113.7/32" }));
        var instance = (await _run.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = Named("coralnet-emulator-web") })).Reservations.SelectMany(r => r.Instances).Single();
        Assert.That(instance.MetadataOptions.HttpTokens.Value, Is.EqualTo("required"));
        var protection = await _run.Ec2.DescribeInstanceAttributeAsync(new DescribeInstanceAttributeRequest { InstanceId = instance.InstanceId, Attribute = "disableApiTermination" });
        Assert.That(protection.InstanceAttribute.DisableApiTermination, Is.True);
        var root = instance.BlockDeviceMappings.Single(mapping => mapping.DeviceName == instance.RootDeviceName);
        Assert.That(root.Ebs.DeleteOnTermination, Is.False);
        var volume = (await _run.Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [root.Ebs.VolumeId] })).Volumes.Single();
        Assert.That(volume.Encrypted, Is.True);
        var address = (await _run.Ec2.DescribeAddressesAsync(new DescribeAddressesRequest { Filters = Named("coralnet-emulator-web") })).Addresses.Single();
        Assert.That(address.InstanceId, Is.EqualTo(instance.InstanceId));

        var cors = await _run.S3.GetCORSConfigurationAsync(new GetCORSConfigurationRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(cors.Configuration.Rules.Single().AllowedMethods, Is.EqualTo(new[] { "GET" }));
        var block = await _run.S3.GetPublicAccessBlockAsync(new GetPublicAccessBlockRequest { BucketName = "coralnet-emulator-media" });
        Assert.That(block.PublicAccessBlockConfiguration.BlockPublicPolicy, Is.True);

        var database = _run.Boto("rds", "describe_db_instances", new { DBInstanceIdentifier = "coralnet-emulator-db" })["DBInstances"]![0]!;
        Assert.That((bool)database["PubliclyAccessible"]!, Is.False);
        Assert.That((bool)database["StorageEncrypted"]!, Is.True);
        Assert.That((bool)database["DeletionProtection"]!, Is.True);
        Assert.That((int)database["BackupRetentionPeriod"]!, Is.EqualTo(7));
        var profile = _run.Boto("iam", "get_instance_profile", new { InstanceProfileName = "coralnet-emulator-web" })["InstanceProfile"]!;
        Assert.That(profile["Roles"]![0]!["RoleName"]!.GetValue<string>(), Is.EqualTo("coralnet-emulator-web"));

        Assert.That(_run.Succeed("--target=Plan"), Does.Contain("Plan: nothing to do"));
        var second = _run.Succeed("--target=ProvisionAws");
        Assert.That(second, Does.Contain("Provision: nothing to do").And.Not.Contain("waiting up to"));
    }
}
