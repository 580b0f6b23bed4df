using Amazon.EC2;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// A web instance: its type, termination protection, root volume kept on termination, IMDSv2
/// required, its group and instance profile. An unencrypted root volume is reported: EBS cannot
/// encrypt a volume in place.
/// </summary>
public sealed class InstanceResource(AwsContext context, WebHostState host) : IAwsResource
{
    private IAmazonEC2 Ec2 => context.Clients.Ec2;

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var settings = context.Aws;
        var resource = "EC2 instance " + host.Name;
        host.Instance = await context.Lookup.FindInstanceAsync(host.Name, cancellationToken);
        if (host.Instance is not { } instance)
        {
            var image = await new MachineImage(context).ResolveAsync(cancellationToken);
            var launch = new InstanceLaunch(context, state, host, image);
            return ResourceChange.Create(resource,
                $"{settings.InstanceType} from {image.ImageId} ({image.Name}), IMDSv2 required, termination protection, encrypted root volume {settings.RootVolumeGigabytes} GB kept on termination",
                launch.LaunchAsync);
        }

        var instanceId = instance.InstanceId;
        var fixes = new List<(string, Func<CancellationToken, Task>)>();
        var protection = await Ec2.DescribeInstanceAttributeAsync(
            new DescribeInstanceAttributeRequest { InstanceId = instanceId, Attribute = InstanceAttributeName.DisableApiTermination }, cancellationToken);
        if (protection.InstanceAttribute?.DisableApiTermination != true)
        {
            fixes.Add(("termination protection off", ct => InstanceLaunch.ProtectAsync(Ec2, instanceId, ct)));
        }

        if (instance.MetadataOptions?.HttpTokens != HttpTokensState.Required)
        {
            fixes.Add(($"IMDSv2 {instance.MetadataOptions?.HttpTokens?.Value ?? "unknown"}, not required", ct => Ec2.ModifyInstanceMetadataOptionsAsync(
                new ModifyInstanceMetadataOptionsRequest { InstanceId = instanceId, HttpTokens = HttpTokensState.Required, HttpEndpoint = InstanceMetadataEndpointState.Enabled }, ct)));
        }

        var root = instance.BlockDeviceMappings?.FirstOrDefault(mapping => mapping.DeviceName == instance.RootDeviceName);
        if (root?.Ebs?.DeleteOnTermination == true)
        {
            fixes.Add(("root volume deleted on termination", ct => Ec2.ModifyInstanceAttributeAsync(new ModifyInstanceAttributeRequest
            {
                InstanceId = instanceId,
                BlockDeviceMappings = [new InstanceBlockDeviceMappingSpecification { DeviceName = root.DeviceName, Ebs = new EbsInstanceBlockDeviceSpecification { DeleteOnTermination = false } }],
            }, ct)));
        }

        if (root?.Ebs?.VolumeId is { } volumeId)
        {
            var volume = (await Ec2.DescribeVolumesAsync(new DescribeVolumesRequest { VolumeIds = [volumeId] }, cancellationToken)).Volumes?.FirstOrDefault();
            context.Log.Information(volume?.Encrypted == true
                ? $"  EC2 instance {host.Name}: root volume {volumeId} encrypted."
                : $"  EC2 instance {host.Name}: root volume {volumeId} NOT encrypted; EBS cannot encrypt a volume in place (snapshot it, copy the snapshot encrypted, and replace the volume).");
        }

        if (instance.InstanceType?.Value is { } type && type != settings.InstanceType)
        {
            fixes.Add(($"instance type {type} (a change needs a stop and start{(settings.AllowInstanceRestart ? "" : ", which Aws.AllowInstanceRestart does not allow")})",
                ct => new InstanceLaunch(context, state, host, null).ChangeTypeAsync(ct)));
        }

        var groups = (instance.SecurityGroups ?? []).Select(group => group.GroupId).ToList();
        if (state.WebGroupId is null || !groups.Contains(state.WebGroupId))
        {
            fixes.Add(("security group " + names.WebGroup + " missing", ct => Ec2.ModifyInstanceAttributeAsync(
                new ModifyInstanceAttributeRequest { InstanceId = instanceId, Groups = groups.Append(state.WebGroupId!).ToList() }, ct)));
        }

        if (instance.IamInstanceProfile is null)
        {
            fixes.Add(("instance profile " + names.InstanceProfile + " missing", ct => Ec2.AssociateIamInstanceProfileAsync(
                new AssociateIamInstanceProfileRequest { InstanceId = instanceId, IamInstanceProfile = new IamInstanceProfileSpecification { Name = names.InstanceProfile } }, ct)));
        }

        return ResourceChange.Update(resource, fixes);
    }
}
