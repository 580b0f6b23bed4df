namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The instance profile that hands the role to the instance.</summary>
public sealed class InstanceProfileResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var iam = context.Clients.Iam;
        var resource = "IAM instance profile " + names.InstanceProfile;
        var profile = await iam.GetInstanceProfileAsync(names.InstanceProfile, cancellationToken);
        Task AddRole(CancellationToken ct) => iam.AddRoleToInstanceProfileAsync(names.InstanceProfile, names.Role, ct);
        if (profile is null)
        {
            return ResourceChange.Create(resource, "with role " + names.Role, async ct =>
            {
                await iam.CreateInstanceProfileAsync(names.InstanceProfile, names.Tags(names.InstanceProfile), ct);
                await AddRole(ct);
            });
        }

        return ResourceChange.Update(resource, profile.RoleNames.Contains(names.Role) ? [] : [("role " + names.Role + " missing", AddRole)]);
    }
}
