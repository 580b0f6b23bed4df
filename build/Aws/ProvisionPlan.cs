namespace CoralNet.Deploy.Aws;

public enum ChangeKind
{
    Unchanged,
    Create,
    Update,
}

/// <summary>
/// One resource's place in the plan: what would change and why. <see cref="Apply"/> makes the
/// change; it is null when nothing is to be done.
/// </summary>
public sealed record ResourceChange(string Resource, ChangeKind Kind, IReadOnlyList<string> Differences, Func<CancellationToken, Task>? Apply)
{
    public static ResourceChange Unchanged(string resource) => new(resource, ChangeKind.Unchanged, [], null);

    public static ResourceChange Create(string resource, string what, Func<CancellationToken, Task> apply) => new(resource, ChangeKind.Create, [what], apply);

    /// <summary>An update of the attributes that differ; unchanged when none does.</summary>
    public static ResourceChange Update(string resource, IReadOnlyList<(string Difference, Func<CancellationToken, Task> Fix)> fixes) =>
        fixes.Count == 0
            ? Unchanged(resource)
            : new(resource, ChangeKind.Update, fixes.Select(fix => fix.Difference).ToList(), async cancellationToken =>
            {
                foreach (var fix in fixes)
                {
                    await fix.Fix(cancellationToken);
                }
            });

    public override string ToString() => Kind switch
    {
        ChangeKind.Unchanged => $"  unchanged  {Resource}",
        ChangeKind.Create => $"  create     {Resource}: {string.Join("; ", Differences)}",
        _ => $"  update     {Resource}: {string.Join("; ", Differences)}",
    };
}

/// <summary>Where the AWS code reports to; the tasks pass Cake's log, tests a list.</summary>
public interface IAwsLog
{
    void Information(string message);

    void Warning(string message);

    /// <summary>Every call to AWS, at verbose level; secrets are already masked.</summary>
    void Verbose(string message);
}
