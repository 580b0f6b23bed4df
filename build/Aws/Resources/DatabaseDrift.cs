using CoralNet.Deploy.Aws.Query;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>
/// How an existing RDS instance differs from the settings: what to modify, what RDS cannot do, and
/// what a modification already waits for the maintenance window to apply (not asked for again).
/// </summary>
public sealed record DatabaseDrift(IReadOnlyList<string> Differences, IReadOnlyList<string> Refusals, DbInstanceChanges Changes, IReadOnlyList<string> Pending)
{
    public static DatabaseDrift Of(DbInstance database, AwsSettings settings, string? databaseGroupId, string parameterGroup)
    {
        var differences = new List<string>();
        var refusals = new List<string>();
        var pending = new List<string>();

        // A value RDS holds as pending (PendingModifiedValues) is the wanted one already asked for.
        bool Pending(string field, string wanted, string what)
        {
            if (database.PendingModifiedValues.GetValueOrDefault(field) is { } value && value.Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                pending.Add(what);
                return true;
            }

            return false;
        }

        var changes = new DbInstanceChanges();
        if (database.PubliclyAccessible != settings.DatabasePubliclyAccessible)
        {
            differences.Add($"PubliclyAccessible {database.PubliclyAccessible}");
            changes = changes with { PubliclyAccessible = settings.DatabasePubliclyAccessible };
        }

        if (!database.DeletionProtection)
        {
            differences.Add("deletion protection off");
            changes = changes with { DeletionProtection = true };
        }

        if (database.BackupRetentionPeriod != settings.DatabaseBackupRetentionDays
            && !Pending("BackupRetentionPeriod", Invariant(settings.DatabaseBackupRetentionDays), "backup retention " + settings.DatabaseBackupRetentionDays))
        {
            differences.Add($"backup retention {database.BackupRetentionPeriod} days");
            changes = changes with { BackupRetentionPeriod = settings.DatabaseBackupRetentionDays };
        }

        if (database.InstanceClass != settings.DatabaseInstanceClass && !Pending("DBInstanceClass", settings.DatabaseInstanceClass, "class " + settings.DatabaseInstanceClass))
        {
            differences.Add("class " + database.InstanceClass);
            changes = changes with { InstanceClass = settings.DatabaseInstanceClass };
        }

        if (database.AllocatedStorage < settings.DatabaseStorageGigabytes
            && !Pending("AllocatedStorage", Invariant(settings.DatabaseStorageGigabytes), $"storage {settings.DatabaseStorageGigabytes} GB"))
        {
            differences.Add($"storage {database.AllocatedStorage} GB");
            changes = changes with { AllocatedStorage = settings.DatabaseStorageGigabytes };
        }
        else if (database.AllocatedStorage > settings.DatabaseStorageGigabytes)
        {
            differences.Add($"storage {database.AllocatedStorage} GB, more than {settings.DatabaseStorageGigabytes}");
            refusals.Add($"RDS cannot shrink storage: set Aws.DatabaseStorageGigabytes to {database.AllocatedStorage} or more.");
        }

        var engineVersion = database.EngineVersion;
        if (database.PendingModifiedValues.GetValueOrDefault("EngineVersion") is { } pendingVersion && EngineVersions.Compare(pendingVersion, settings.DatabaseEngineVersion) == 0)
        {
            pending.Add("engine version " + pendingVersion);
            engineVersion = pendingVersion;
        }

        switch (EngineVersions.Compare(engineVersion, settings.DatabaseEngineVersion))
        {
            case < 0:
                differences.Add("engine version " + database.EngineVersion);
                changes = changes with
                {
                    EngineVersion = settings.DatabaseEngineVersion,
                    AllowMajorVersionUpgrade = EngineVersions.Major(database.EngineVersion) != EngineVersions.Major(settings.DatabaseEngineVersion),
                };
                break;
            case > 0:
                differences.Add($"engine version {database.EngineVersion}, newer than {settings.DatabaseEngineVersion}");
                refusals.Add($"RDS cannot downgrade PostgreSQL: set Aws.DatabaseEngineVersion to {database.EngineVersion} (or {EngineVersions.Major(database.EngineVersion)}).");
                break;
        }

        if (database.StorageType != settings.DatabaseStorageType && !Pending("StorageType", settings.DatabaseStorageType, "storage type " + settings.DatabaseStorageType))
        {
            differences.Add($"storage type {database.StorageType}");
            changes = changes with { StorageType = settings.DatabaseStorageType };
        }

        if (!database.CopyTagsToSnapshot)
        {
            differences.Add("tags not copied to snapshots");
            changes = changes with { CopyTagsToSnapshot = true };
        }

        if (database.MultiAz != settings.DatabaseMultiAz && !Pending("MultiAZ", settings.DatabaseMultiAz ? "true" : "false", settings.DatabaseMultiAz ? "Multi-AZ on" : "Multi-AZ off"))
        {
            differences.Add(database.MultiAz ? "Multi-AZ on" : "Multi-AZ off");
            changes = changes with { MultiAz = settings.DatabaseMultiAz };
        }

        if (!database.ParameterGroups.Contains(parameterGroup))
        {
            differences.Add($"parameter group {string.Join(",", database.ParameterGroups)}, not {parameterGroup} (takes effect at the next reboot)");
            changes = changes with { ParameterGroupName = parameterGroup };
        }

        if (databaseGroupId is null || !database.VpcSecurityGroupIds.SequenceEqual([databaseGroupId]))
        {
            differences.Add("security groups " + string.Join(",", database.VpcSecurityGroupIds));
            changes = changes with { VpcSecurityGroupIds = [databaseGroupId ?? "(the db group, once made)"] };
        }

        return new DatabaseDrift(differences, refusals, changes, pending);
    }

    private static string Invariant(int value) => value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
