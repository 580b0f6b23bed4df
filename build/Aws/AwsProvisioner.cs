using Amazon.SecurityToken.Model;
using CoralNet.Deploy.Aws.Resources;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// Finds an environment's AWS resources by their tags and names, compares each with the settings
/// and says what would change (<see cref="PlanAsync"/>, read-only calls only), or changes it
/// (<see cref="ProvisionAsync"/>). Both run the same resources in one loop over one
/// <see cref="ProvisioningState"/>, in dependency order; the waits (database, host keys) run together at the end.
/// </summary>
public sealed class AwsProvisioner(
    DeploySettings settings,
    string repositoryRoot,
    Secret masterPassword,
    AwsServices aws,
    WaitOptions wait,
    IAwsLog log,
    DatabaseChanges databaseChanges = DatabaseChanges.InMaintenanceWindow)
{
    private readonly AwsContext _context = new(settings, repositoryRoot, aws, wait, log);

    /// <summary>What Provision would do, from Describe, Get and List calls only.</summary>
    public async Task<IReadOnlyList<ResourceChange>> PlanAsync(CancellationToken cancellationToken) =>
        await VisitAsync(apply: false, cancellationToken);

    /// <summary>What the last <see cref="ProvisionAsync"/> made, read back from AWS once everything is in place.</summary>
    public AwsOutputs? Outputs { get; private set; }

    /// <summary>Applies the plan resource by resource; returns what was changed (nothing on a second run).</summary>
    public async Task<IReadOnlyList<ResourceChange>> ProvisionAsync(CancellationToken cancellationToken)
    {
        var visited = await VisitAsync(apply: true, cancellationToken);
        var changes = visited.Where(change => change.Apply is not null).ToList();
        var left = visited.Where(change => change.Kind != ChangeKind.Unchanged && change.Apply is null).Select(change => change.Resource).ToList();
        log.Information(Summary(changes, "Provision") + (left.Count == 0 ? "" : $" Left to ./build.sh --target=Provision: {string.Join(", ", left)}."));
        Outputs = await AwsOutputs.LookUpAsync(aws, settings, cancellationToken);
        log.Information($"Provisioned: {Outputs}.");
        return changes;
    }

    /// <summary>One line: how many resources <paramref name="what"/> creates and updates, or that nothing is to do.</summary>
    public static string Summary(IReadOnlyList<ResourceChange> changes, string what) =>
        changes.All(change => change.Kind == ChangeKind.Unchanged)
            ? $"{what}: nothing to do, every resource matches the settings."
            : $"{what}: {changes.Count(c => c.Kind == ChangeKind.Create)} to create, {changes.Count(c => c.Kind == ChangeKind.Update)} to update.";

    /// <summary>
    /// Inspects every resource first, so that whatever makes the run fail (an image not found, a
    /// name taken, a resource of someone else's) fails before anything changes; then, to provision,
    /// applies each change in order (the changes read what earlier ones made from the state).
    /// </summary>
    private async Task<List<ResourceChange>> VisitAsync(bool apply, CancellationToken cancellationToken)
    {
        var state = new ProvisioningState
        {
            IamArnPrefix = await Reaching("STS GetCallerIdentity", () => SayWhereAsync(cancellationToken)),
            WebHosts = _context.Names.WebHosts(settings.Aws.WebInstances).Select(name => new WebHostState(name)).ToList(),
        };
        var changes = new List<ResourceChange>();
        foreach (var resource in Resources(state))
        {
            changes.Add(await Reaching("reading " + resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal), () => resource.InspectAsync(state, cancellationToken)));
        }

        foreach (var change in changes)
        {
            if (!apply)
            {
                // The plan is the Plan target's result, printed whole at the end of the run.
                log.Verbose(change.ToString());
                continue;
            }

            log.Information(change.ToString());
            if (change.Apply is { } makeChange)
            {
                await Reaching(change.Resource, async () =>
                {
                    await makeChange(cancellationToken);
                    return true;
                });
            }
        }

        await state.WaitForAllAsync(cancellationToken);
        return changes;
    }

    /// <summary>Runs AWS calls; a failure to reach AWS at all (or an HTML page for an answer) is said with what was being done, the endpoint and its setting.</summary>
    private Task<T> Reaching<T>(string what, Func<Task<T>> calls) => AwsUnreachableException.Around(what, settings.Aws, _context.Region, calls);

    /// <summary>Each resource after those it needs: the groups before the database and instance, the instance before its address and keys.</summary>
    private IEnumerable<IAwsResource> Resources(ProvisioningState state) =>
    [
        .. settings.Aws.LoadBalancer ? [SecurityGroupResource.LoadBalancer(_context)] : Array.Empty<IAwsResource>(),
        SecurityGroupResource.Web(_context),
        SecurityGroupResource.Database(_context),
        new KeyPairResource(_context),
        new RoleBoundaryResource(_context),
        new RoleResource(_context),
        new RolePolicyResource(_context),
        new InstanceProfileResource(_context),
        new BucketResource(_context),
        .. settings.Site.Runtime == SiteRuntime.Container ? [new RepositoryResource(_context)] : Array.Empty<IAwsResource>(),
        new ParameterGroupResource(_context),
        // Before the instance, so that RDS makes the database while EC2 starts the instance.
        new DatabaseResource(_context, masterPassword, databaseChanges),
        .. state.WebHosts.SelectMany(host => new IAwsResource[] { new InstanceResource(_context, host), new ElasticIpResource(_context, host) }),
        .. settings.Aws.LoadBalancer
            ? [new LoadBalancerResource(_context), new TargetGroupResource(_context), ListenerResource.Https(_context), ListenerResource.HttpRedirect(_context), new TargetRegistrationResource(_context)]
            : Array.Empty<IAwsResource>(),
        .. state.WebHosts.Select(host => new HostKeysResource(_context, host)),
    ];

    /// <summary>Says which account, region and environment the run works on; returns the account's IAM ARN prefix.</summary>
    private async Task<string> SayWhereAsync(CancellationToken cancellationToken)
    {
        var identity = await aws.Sts.GetCallerIdentityAsync(new GetCallerIdentityRequest(), cancellationToken);
        var partition = identity.Arn?.Split(':') is { Length: > 1 } parts ? parts[1] : "aws";
        log.Information($"AWS account {identity.Account} ({identity.Arn}), region {_context.Region}, environment '{settings.Environment}':");
        foreach (var cidr in settings.Aws.OperatorCidrs.Select(OperatorCidr.TryParse).OfType<OperatorCidr>().Where(cidr => cidr.ToString() != cidr.Normalised))
        {
            log.Warning($"Aws.OperatorCidrs: {cidr} has host bits set; SSH is opened to {cidr.Normalised}. Write it that way, or /32 for one address.");
        }

        if (settings.Aws.OperatorCidrs.Select(OperatorCidr.TryParse).Any(cidr => cidr?.IsWide == true))
        {
            log.Warning("Aws.AllowSshFromAnywhere is on and Aws.OperatorCidrs opens SSH to a large part of the internet.");
        }

        if (settings.Aws.DatabasePubliclyAccessible)
        {
            log.Warning("Aws.DatabasePubliclyAccessible is on: the database gets a public address and 5432 opens to Aws.OperatorCidrs. Turn it off unless you need it.");
        }

        if (settings.Aws.BucketRefererPolicy)
        {
            log.Warning("Aws.BucketRefererPolicy is on: anyone who sends a Referer header of the site can read the bucket's objects, and a Referer header can be forged.");
        }

        return $"arn:{partition}:iam::{identity.Account}:";
    }
}
