using Amazon.EC2;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>A web host's Elastic IP, associated with its instance.</summary>
public sealed class ElasticIpResource(AwsContext context, WebHostState host) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var ec2 = context.Clients.Ec2;
        var resource = "Elastic IP " + host.Name;
        var address = await context.Lookup.FindAddressAsync(host.Name, cancellationToken);
        Task Associate(string allocationId, CancellationToken ct) =>
            ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = host.Instance!.InstanceId }, ct);
        if (address is null)
        {
            return ResourceChange.Create(resource, "allocated and associated with " + host.Name, async ct =>
            {
                var allocated = await ec2.AllocateAddressAsync(
                    new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = context.TagSpecification(ResourceType.ElasticIp, host.Name) }, ct);
                host.PublicIp = allocated.PublicIp;
                await Associate(allocated.AllocationId, ct);
            });
        }

        host.PublicIp = address.PublicIp;
        return ResourceChange.Update(resource, address.InstanceId is not null && address.InstanceId == host.Instance?.InstanceId
            ? []
            : [($"associated with {address.InstanceId ?? "nothing"}, not with {host.Instance?.InstanceId ?? "the new instance"}", ct => Associate(address.AllocationId, ct))]);
    }
}
