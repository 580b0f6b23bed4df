using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// The RDS PostgreSQL instance: private unless asked, encrypted, deletion-protected, backed up. What
/// RDS can change in place is modified; what it cannot (shrinking, downgrading) is refused before
/// any change; a class change or engine upgrade first takes a snapshot and waits for it. Changes
/// wait for the instance's maintenance window unless the run says
/// --apply-database-changes-now, and a run that provisions only in passing (Deploy) leaves them to
/// Provision. Its wait for "available" runs at the end, beside the others.
/// </summary>
public sealed class DatabaseResource(AwsContext context, Secret masterPassword, DatabaseChanges changesMode) : IAwsResource
{
    private string Identifier => context.Names.Database;

    public async Task<ResourceChange> InspectAsync(ProvisioningState state, CancellationToken cancellationToken)
    {
        var settings = context.Aws;
        var resource = "RDS PostgreSQL " + Identifier;
        var database = state.Database = await context.Clients.Rds.DescribeDbInstanceAsync(Identifier, cancellationToken);
        if (database is null)
        {
            return ResourceChange.Create(resource,
                $"{settings.DatabaseInstanceClass}, PostgreSQL {settings.DatabaseEngineVersion}, {settings.DatabaseStorageGigabytes} GB encrypted, " +
                $"{settings.DatabaseStorageType}, {(settings.DatabasePubliclyAccessible ? "PUBLIC" : "private")}, {(settings.DatabaseMultiAz ? "Multi-AZ" : "one zone")}, " +
                $"backups {settings.DatabaseBackupRetentionDays} days with tags, deletion protection, TLS required",
                async ct =>
                {
                    await context.Clients.Rds.CreateDbInstanceAsync(new DbInstanceSpec(
                        Identifier,
                        settings.DatabaseInstanceClass,
                        settings.DatabaseEngineVersion,
                        settings.DatabaseStorageGigabytes,
                        context.Settings.Database.MasterUser,
                        masterPassword,
                        [state.DatabaseGroupId!],
                        settings.DatabasePubliclyAccessible,
                        settings.DatabaseBackupRetentionDays,
                        settings.DatabaseStorageType,
                        settings.DatabaseMultiAz,
                        state.ParameterGroupName!,
                        context.Names.Tags(Identifier)), ct);
                    state.WaitAtTheEnd(wait => WaitUntilAvailableAsync(state, wait));
                });
        }

        context.RequireOurs(resource, database.Tags);
        context.Log.Information(database.StorageEncrypted
            ? $"  {resource}: storage encrypted."
            : $"  {resource}: storage NOT encrypted; RDS cannot encrypt an instance in place (restore an encrypted copy of a snapshot instead).");
        var drift = DatabaseDrift.Of(database, settings, state.DatabaseGroupId, state.ParameterGroupName!);
        if (drift.Pending.Count > 0)
        {
            context.Log.Information($"  {resource}: already asked for, pending for the maintenance window {database.MaintenanceWindow}: {string.Join(", ", drift.Pending)}.");
        }

        var when = changesMode switch
        {
            DatabaseChanges.Now => "applied now (--apply-database-changes-now)",
            DatabaseChanges.InMaintenanceWindow => $"applied in the maintenance window {database.MaintenanceWindow} (--apply-database-changes-now: at once)",
            _ => "not changed by this run: ./build.sh --target=Provision applies it",
        };
        if (drift.Differences.Count == 0)
        {
            return ResourceChange.Unchanged(resource);
        }

        return changesMode == DatabaseChanges.LeftToProvision
            ? new ResourceChange(resource, ChangeKind.Update, [.. drift.Differences, when], null)
            : new ResourceChange(resource, ChangeKind.Update, [.. drift.Differences, when], async ct =>
            {
                if (drift.Refusals.Count > 0)
                {
                    throw new InvalidOperationException($"{resource} differs from the settings in a way RDS cannot apply; nothing was changed on it: {string.Join(" ", drift.Refusals)}");
                }

                if (drift.Changes.InstanceClass is not null || drift.Changes.EngineVersion is not null)
                {
                    await SnapshotAsync(ct);
                }

                await context.Clients.Rds.ModifyDbInstanceAsync(Identifier, drift.Changes with
                {
                    VpcSecurityGroupIds = drift.Changes.VpcSecurityGroupIds is null ? null : [state.DatabaseGroupId!],
                    ApplyImmediately = changesMode == DatabaseChanges.Now,
                }, ct);
                state.WaitAtTheEnd(wait => WaitUntilAvailableAsync(state, wait));
            });
    }

    /// <summary>A class change or an engine upgrade is not undone by a setting: a snapshot first, waited for, to go back to.</summary>
    private async Task SnapshotAsync(CancellationToken cancellationToken)
    {
        var snapshot = $"{Identifier}-before-{context.Wait.Clock.GetUtcNow():yyyyMMdd-HHmmss}";
        await context.Clients.Rds.CreateSnapshotAsync(Identifier, snapshot, context.Names.Tags(snapshot), cancellationToken);
        await Waiter.UntilAsync("snapshot " + snapshot, async ct =>
        {
            var status = await context.Clients.Rds.SnapshotStatusAsync(snapshot, ct) ?? "not found";
            return (status == "available", status, status);
        }, context.Wait, context.Log, cancellationToken);
    }

    private async Task WaitUntilAvailableAsync(ProvisioningState state, CancellationToken cancellationToken) =>
        state.Database = await Waiter.UntilAsync("database " + Identifier, async ct =>
        {
            var current = await context.Clients.Rds.DescribeDbInstanceAsync(Identifier, ct);
            var status = current?.Status ?? "not found";
            return (status == "available", status, current);
        }, context.Wait, context.Log, cancellationToken);
}

/// <summary>When a run changes an existing database's settings.</summary>
public enum DatabaseChanges
{
    /// <summary>Provision: RDS applies them in the instance's maintenance window.</summary>
    InMaintenanceWindow,

    /// <summary>Provision --apply-database-changes-now.</summary>
    Now,

    /// <summary>A run that provisions in passing (Deploy): reported, left to Provision.</summary>
    LeftToProvision,
}
