using Amazon.EC2;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>What changes a web instance's life: its launch, and a type change (stop, modify, start).</summary>
public sealed class InstanceLaunch(AwsContext context, ProvisioningState state, WebHostState host, Image? image)
{
    private IAmazonEC2 Ec2 => context.Clients.Ec2;

    public static Task ProtectAsync(IAmazonEC2 ec2, string instanceId, CancellationToken cancellationToken) =>
        ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instanceId, DisableApiTermination = true }, cancellationToken);

    public async Task LaunchAsync(CancellationToken cancellationToken)
    {
        var names = context.Names;
        var settings = context.Aws;
        var request = new RunInstancesRequest
        {
            ImageId = image!.ImageId,
            InstanceType = InstanceType.FindValue(settings.InstanceType),
            MinCount = 1,
            MaxCount = 1,
            KeyName = settings.KeyName,
            SecurityGroupIds = [state.WebGroupId!],
            IamInstanceProfile = new IamInstanceProfileSpecification { Name = names.InstanceProfile },
            DisableApiTermination = true,
            MetadataOptions = new InstanceMetadataOptionsRequest { HttpTokens = HttpTokensState.Required, HttpEndpoint = InstanceMetadataEndpointState.Enabled },
            BlockDeviceMappings =
            [
                new BlockDeviceMapping
                {
                    DeviceName = image.RootDeviceName,
                    Ebs = new EbsBlockDevice { DeleteOnTermination = false, VolumeSize = settings.RootVolumeGigabytes, VolumeType = VolumeType.Gp3, Encrypted = true },
                },
            ],
            TagSpecifications = [.. context.TagSpecification(ResourceType.Instance, host.Name), .. context.TagSpecification(ResourceType.Volume, host.Name)],
        };

        // A new instance profile takes a few seconds to be usable by EC2.
        var launched = await Waiter.UntilAsync("launch of " + host.Name, async ct =>
        {
            try
            {
                var reply = await Ec2.RunInstancesAsync(request, ct);
                return (true, "launched", reply.Reservation.Instances[0]);
            }
            catch (AmazonEC2Exception exception) when (exception.ErrorCode == "InvalidParameterValue" && exception.Message.Contains("iamInstanceProfile", StringComparison.OrdinalIgnoreCase))
            {
                return (false, "instance profile not usable yet", (Instance?)null);
            }
        }, context.Wait, context.Log, cancellationToken);
        host.Instance = launched;
        host.Instance = await WaitForStateAsync(launched!.InstanceId, "running", cancellationToken);

        // A launch does not always keep DisableApiTermination: check it, and set it again if it was lost.
        var protection = await Ec2.DescribeInstanceAttributeAsync(
            new DescribeInstanceAttributeRequest { InstanceId = launched.InstanceId, Attribute = InstanceAttributeName.DisableApiTermination }, cancellationToken);
        if (protection.InstanceAttribute?.DisableApiTermination != true)
        {
            context.Log.Warning($"Instance {launched.InstanceId} came up without termination protection: setting it again.");
            await ProtectAsync(Ec2, launched.InstanceId, cancellationToken);
        }
    }

    /// <summary>EC2 changes an instance's type only while it is stopped: stop, modify, start, each waited for.</summary>
    public async Task ChangeTypeAsync(CancellationToken cancellationToken)
    {
        var settings = context.Aws;
        var instance = host.Instance!;
        var instanceId = instance.InstanceId;
        if (!settings.AllowInstanceRestart)
        {
            throw new InvalidOperationException(
                $"The instance {host.Name} ({instanceId}) is a {instance.InstanceType?.Value}, the settings say {settings.InstanceType}: EC2 changes the type only " +
                "while the instance is stopped, so the site would be offline for a few minutes (the Elastic IP and the disk stay). " +
                $"Set Aws.AllowInstanceRestart to true (--aws_allowinstancerestart=true) to allow it, or set Aws.InstanceType back to {instance.InstanceType?.Value}.");
        }

        context.Log.Warning($"Stopping {instanceId} to change its type from {instance.InstanceType?.Value} to {settings.InstanceType} (Aws.AllowInstanceRestart is on).");
        await Ec2.StopInstancesAsync(new StopInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        await WaitForStateAsync(instanceId, "stopped", cancellationToken);
        await Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest { InstanceId = instanceId, InstanceType = settings.InstanceType }, cancellationToken);
        await Ec2.StartInstancesAsync(new StartInstancesRequest { InstanceIds = [instanceId] }, cancellationToken);
        host.Instance = await WaitForStateAsync(instanceId, "running", cancellationToken);
    }

    private Task<Instance?> WaitForStateAsync(string instanceId, string wanted, CancellationToken cancellationToken) =>
        Waiter.UntilAsync("instance " + instanceId, async ct =>
        {
            var reply = await Ec2.DescribeInstancesAsync(new DescribeInstancesRequest { InstanceIds = [instanceId] }, ct);
            var current = reply.Reservations?.SelectMany(reservation => reservation.Instances ?? []).FirstOrDefault();
            var currentState = current?.State?.Name?.Value ?? "unknown";
            return (currentState == wanted, currentState, current);
        }, context.Wait, context.Log, cancellationToken);
}
