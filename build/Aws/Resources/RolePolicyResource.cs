namespace CoralNet.Deploy.Aws.Resources;

/// <summary>The role's inline policy: read and write the site's bucket (and with Site.Runtime=container pull its images), nothing else.</summary>
public sealed class RolePolicyResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var resource = $"IAM role policy {names.Role}/{AwsNames.BucketPolicyName}";
        var wanted = context.WebRolePolicy;
        var actual = await context.Clients.Iam.GetRolePolicyAsync(names.Role, AwsNames.BucketPolicyName, cancellationToken);
        Task Put(CancellationToken ct) => context.Clients.Iam.PutRolePolicyAsync(names.Role, AwsNames.BucketPolicyName, wanted, ct);
        return actual is null
            ? ResourceChange.Create(resource, context.WebRoleScope + " only", Put)
            : ResourceChange.Update(resource, PolicyDocument.SameAs(actual, wanted) ? [] : [("policy document", Put)]);
    }
}
