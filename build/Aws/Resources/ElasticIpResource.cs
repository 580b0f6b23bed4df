using Amazon.EC2;
using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The web host's Elastic IP, associated with the instance.</summary>
public sealed class ElasticIpResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var ec2 = context.Clients.Ec2;
        var names = context.Names;
        var resource = "Elastic IP " + names.ElasticIp;
        var address = await context.Lookup.FindAddressAsync(cancellationToken);
        Task Associate(string allocationId, CancellationToken ct) =>
            ec2.AssociateAddressAsync(new AssociateAddressRequest { AllocationId = allocationId, InstanceId = state.Instance!.InstanceId }, ct);
        if (address is null)
        {
            return ResourceChange.Create(resource, "allocated and associated with " + names.Instance, async ct =>
            {
                var allocated = await ec2.AllocateAddressAsync(
                    new AllocateAddressRequest { Domain = DomainType.Vpc, TagSpecifications = context.TagSpecification(ResourceType.ElasticIp, names.ElasticIp) }, ct);
                state.PublicIp = allocated.PublicIp;
                await Associate(allocated.AllocationId, ct);
            });
        }

        state.PublicIp = address.PublicIp;
        return ResourceChange.Update(resource, address.InstanceId is not null && address.InstanceId == state.Instance?.InstanceId
            ? []
            : [($"associated with {address.InstanceId ?? "nothing"}, not with {state.Instance?.InstanceId ?? "the new instance"}", ct => Associate(address.AllocationId, ct))]);
    }
}
