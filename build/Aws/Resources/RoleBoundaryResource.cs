namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The managed policy that bounds the web role: the site's bucket (and pulls of its images), nothing else. Whoever holds the
/// deploy policy may create it but not change it (that would lift the bound), so a boundary
/// changed by hand is refused with what to do rather than corrected.
/// </summary>
public sealed class RoleBoundaryResource(AwsContext context) : IAwsResource
{
    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var names = context.Names;
        var arn = state.RoleBoundaryArn(names);
        var resource = "IAM permissions boundary " + names.RoleBoundary;
        var wanted = context.WebRolePolicy;
        var actual = await context.Clients.Iam.GetPolicyDocumentAsync(arn, cancellationToken);
        if (actual is null)
        {
            return ResourceChange.Create(resource, $"{context.WebRoleScope} only, the most role {names.Role} may ever be given", ct =>
                context.Clients.Iam.CreatePolicyAsync(names.RoleBoundary, wanted, names.Tags(names.RoleBoundary), ct));
        }

        return ResourceChange.Update(resource, PolicyDocument.SameAs(actual, wanted) ? [] : [("document differs from the web role's policy (refused)", _ => throw new InvalidOperationException(
            $"The permissions boundary {arn} differs from the web role's policy ({context.WebRoleScope}): it was changed outside the suite, or Site.Runtime changed (container adds the ECR pulls). The deploy policy may not change it (that would lift the bound). " +
            $"Have an administrator set its default version back to what ./build.sh --target=DeployPolicy documents, or delete it so that Provision makes it again."))]);
    }
}
