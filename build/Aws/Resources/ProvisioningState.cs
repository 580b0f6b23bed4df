using CoralNet.Deploy.Aws.Query;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// What the resources learn from each other during one Plan or Provision, in the order the loop
/// visits them, and the waits that may run side by side once everything has been asked for.
/// </summary>
public sealed class ProvisioningState
{
    private readonly List<Func<CancellationToken, Task>> _waits = [];

    public string? WebGroupId { get; set; }

    public string? DatabaseGroupId { get; set; }

    public string? LoadBalancerGroupId { get; set; }

    public Query.LoadBalancer? LoadBalancer { get; set; }

    public Query.TargetGroup? TargetGroup { get; set; }

    /// <summary>One per Aws.WebInstances, in index order.</summary>
    public IReadOnlyList<WebHostState> WebHosts { get; init; } = [];

    public DbInstance? Database { get; set; }

    public string? ParameterGroupName { get; set; }

    /// <summary>The account's IAM ARN prefix (arn:PARTITION:iam::ACCOUNT:), from the caller's identity.</summary>
    public string IamArnPrefix { get; set; } = "";

    public string RoleBoundaryArn(AwsNames names) => $"{IamArnPrefix}policy/{names.RoleBoundary}";

    /// <summary>Keeps a wait for the end, so that it overlaps with the others and nothing else waits for it.</summary>
    public void WaitAtTheEnd(Func<CancellationToken, Task> wait) => _waits.Add(wait);

    public Task WaitForAllAsync(CancellationToken cancellationToken) => Task.WhenAll(_waits.Select(wait => wait(cancellationToken)));
}
