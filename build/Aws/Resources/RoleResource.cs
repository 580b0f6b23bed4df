namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The web instance's IAM role, assumable by EC2, bounded by the suite's permissions boundary.</summary>
public sealed class RoleResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var resource = "IAM role " + names.Role;
        var boundary = state.RoleBoundaryArn(names);
        var role = await context.Clients.Iam.GetRoleAsync(names.Role, cancellationToken);
        if (role is null)
        {
            return ResourceChange.Create(resource, "assumable by EC2, permissions boundary " + names.RoleBoundary, ct =>
                context.Clients.Iam.CreateRoleAsync(names.Role, PolicyDocument.Ec2TrustPolicy(), boundary, names.Tags(names.Role), ct));
        }

        context.RequireOurs(resource, role.Tags);
        return ResourceChange.Update(resource, role.PermissionsBoundaryArn == boundary ? [] :
            [($"permissions boundary {role.PermissionsBoundaryArn ?? "none"}, not {names.RoleBoundary}", ct => context.Clients.Iam.PutRolePermissionsBoundaryAsync(names.Role, boundary, ct))]);
    }
}
