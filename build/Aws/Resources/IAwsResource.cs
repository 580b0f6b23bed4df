namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// One AWS resource of the environment: it reads what exists, records in the state what later
/// resources need (an id, the instance), and says what would change. Plan and Provision run the
/// same resources in the same loop; only Provision applies the changes.
/// </summary>
public interface IAwsResource
{
    Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken);
}
