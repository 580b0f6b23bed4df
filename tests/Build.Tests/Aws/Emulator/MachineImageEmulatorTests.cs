using System.Text.Json;
using Amazon.EC2.Model;
using CoralNet.Deploy.Aws.Resources;
using Filter = Amazon.EC2.Model.Filter;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// The default image, Debian 12's, found without Aws.Ami: moto refuses SSM's public parameters (as it
/// does any name under /aws/service/), so the lookup falls back to DescribeImages of Debian's account.
/// The emulator here is one of its own, holding Debian's images and their look-alikes (MOTO_AMIS_PATH).
/// </summary>
[NonParallelizable]
public sealed class MachineImageEmulatorTests
{
    private const string Newest = "ami-0de12a0000000002";

    private string _images = "";
    private MotoServer? _server;

    private static object Image(string id, string name, string owner, string architecture, string created) => new Dictionary<string, object?>
    {
        ["ami_id"] = id, ["name"] = name, ["owner_id"] = owner, ["architecture"] = architecture, ["creation_date"] = created,
        ["state"] = "available", ["public"] = true, ["image_location"] = $"{owner}/{name}", ["root_device_type"] = "ebs", ["root_device_name"] = "/dev/xvda",
        ["description"] = name, ["image_type"] = "machine", ["platform"] = null, ["virtualization_type"] = "hvm", ["hypervisor"] = "xen", ["sriov"] = "simple",
    };

    [OneTimeSetUp]
    public void StartEmulator()
    {
        _images = Path.Combine(Path.GetTempPath(), $"moto-images-{Guid.NewGuid():N}.json");
        File.WriteAllText(_images, JsonSerializer.Serialize(new[]
        {
            Image("ami-0de12a0000000001", "debian-12-amd64-20240110-1620", MachineImage.DebianAccount, "x86_64", "2024-01-10T16:20:00.000Z"),
            Image(Newest, "debian-12-amd64-20250610-2143", MachineImage.DebianAccount, "x86_64", "2025-06-10T21:43:00.000Z"),
            // Newer, but not what an amd64 instance of Debian 12 from Debian boots.
            Image("ami-0de12a0000000003", "debian-12-arm64-20250710-0000", MachineImage.DebianAccount, "arm64", "2025-07-10T00:00:00.000Z"),
            Image("ami-0de11a0000000004", "debian-11-amd64-20250810-0000", MachineImage.DebianAccount, "x86_64", "2025-08-10T00:00:00.000Z"),
            Image("ami-0bad0a0000000005", "debian-12-amd64-20250910-0000", "111122223333", "x86_64", "2025-09-10T00:00:00.000Z"),
        }));
        _server = MotoServer.Start(("MOTO_AMIS_PATH", _images));
    }

    [OneTimeTearDown]
    public void StopEmulator()
    {
        _server?.Dispose();
        File.Delete(_images);
    }

    [Test]
    public async Task Without_Aws_Ami_Plan_names_Debian_s_newest_image_found_after_the_public_parameter_and_the_instance_boots_it()
    {
        using var run = new EmulatorRun(_server!);

        var (plan, calls) = run.SucceedRecorded("--target=Plan", "--aws_ami=");
        Assert.That(plan, Does.Contain($"from {Newest} (debian-12-amd64-20250610-2143)"));
        Assert.That(calls.Select(call => call.ToString()).Where(call => call is "ssm:GetParameter" or "ec2:DescribeImages"),
            Is.EqualTo(new[] { "ssm:GetParameter", "ec2:DescribeImages" }), "the public parameter first, then Debian's images");

        run.Succeed("--target=ProvisionAws", "--aws_ami=");
        var instance = (await run.Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { Filters = [new Filter("tag:Name", ["coralnet-emulator-web"])] }))
            .Reservations.SelectMany(reservation => reservation.Instances).Single();
        Assert.That(instance.ImageId, Is.EqualTo(Newest));
    }
}
