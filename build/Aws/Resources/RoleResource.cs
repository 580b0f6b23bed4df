namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The web instance's IAM role, assumable by EC2.</summary>
public sealed class RoleResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var resource = "IAM role " + names.Role;
        var role = await context.Clients.Iam.GetRoleAsync(names.Role, cancellationToken);
        if (role is null)
        {
            return ResourceChange.Create(resource, "assumable by EC2", ct =>
                context.Clients.Iam.CreateRoleAsync(names.Role, PolicyDocument.Ec2TrustPolicy(), names.Tags(names.Role), ct));
        }

        context.RequireOurs(resource, role.Tags);
        return ResourceChange.Unchanged(resource);
    }
}
