using System.Globalization;
using System.Xml.Linq;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws.Query;

/// <summary>An RDS DB instance as DescribeDBInstances reports it: only what the suite reads.</summary>
public sealed record DbInstance(
    string Identifier,
    string Status,
    string Engine,
    string EngineVersion,
    string InstanceClass,
    int AllocatedStorage,
    int BackupRetentionPeriod,
    bool PubliclyAccessible,
    bool DeletionProtection,
    bool StorageEncrypted,
    string StorageType,
    bool CopyTagsToSnapshot,
    bool MultiAz,
    IReadOnlyList<string> ParameterGroups,
    string MaintenanceWindow,
    IReadOnlyDictionary<string, string> PendingModifiedValues,
    IReadOnlyList<string> VpcSecurityGroupIds,
    IReadOnlyDictionary<string, string> Tags,
    string? EndpointAddress,
    int? EndpointPort);

/// <summary>What CreateDBInstance is given.</summary>
public sealed record DbInstanceSpec(
    string Identifier,
    string InstanceClass,
    string EngineVersion,
    int AllocatedStorage,
    string MasterUsername,
    Secret MasterPassword,
    IReadOnlyList<string> VpcSecurityGroupIds,
    bool PubliclyAccessible,
    int BackupRetentionPeriod,
    string StorageType,
    bool MultiAz,
    string ParameterGroupName,
    IReadOnlyDictionary<string, string> Tags);

/// <summary>A change to an existing instance (ModifyDBInstance); null leaves the attribute alone.</summary>
public sealed record DbInstanceChanges(
    string? InstanceClass = null,
    string? EngineVersion = null,
    bool AllowMajorVersionUpgrade = false,
    int? AllocatedStorage = null,
    int? BackupRetentionPeriod = null,
    bool? PubliclyAccessible = null,
    bool? DeletionProtection = null,
    IReadOnlyList<string>? VpcSecurityGroupIds = null,
    string? StorageType = null,
    bool? CopyTagsToSnapshot = null,
    bool? MultiAz = null,
    string? ParameterGroupName = null,
    bool ApplyImmediately = false);

/// <summary>A DB parameter group as DescribeDBParameterGroups reports it.</summary>
public sealed record DbParameterGroup(string Name, string Family);

/// <summary>The RDS calls the suite makes.</summary>
public interface IRdsClient
{
    /// <summary>The instance, or null when RDS answers DBInstanceNotFound.</summary>
    Task<DbInstance?> DescribeDbInstanceAsync(string identifier, CancellationToken cancellationToken);

    Task<DbInstance> CreateDbInstanceAsync(DbInstanceSpec spec, CancellationToken cancellationToken);

    Task<DbInstance> ModifyDbInstanceAsync(string identifier, DbInstanceChanges changes, CancellationToken cancellationToken);

    /// <summary>The parameter group, or null when RDS answers DBParameterGroupNotFound.</summary>
    Task<DbParameterGroup?> DescribeParameterGroupAsync(string name, CancellationToken cancellationToken);

    Task CreateParameterGroupAsync(DbParameterGroup group, string description, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>The values the group sets itself (Source=user), by parameter name.</summary>
    Task<IReadOnlyDictionary<string, string>> UserParametersAsync(string group, CancellationToken cancellationToken);

    Task CreateSnapshotAsync(string instance, string snapshot, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>The snapshot's status (creating, available, ...), or null when there is no such snapshot.</summary>
    Task<string?> SnapshotStatusAsync(string snapshot, CancellationToken cancellationToken);

    /// <summary>Sets one parameter; a dynamic one applies at once.</summary>
    Task SetParameterAsync(string group, string name, string value, CancellationToken cancellationToken);
}

/// <summary>RDS over the Query protocol, API version 2014-10-31.</summary>
public sealed class RdsClient(QueryClient client) : IRdsClient
{
    public const string ApiVersion = "2014-10-31";

    public async Task<DbInstance?> DescribeDbInstanceAsync(string identifier, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("DescribeDBInstances", new QueryParameters().Add("DBInstanceIdentifier", identifier), cancellationToken);
            return result.Child("DBInstances")?.Children("DBInstance").Select(Parse).FirstOrDefault();
        }
        catch (AwsQueryException exception) when (exception.Code == "DBInstanceNotFound")
        {
            return null;
        }
    }

    public async Task<DbInstance> CreateDbInstanceAsync(DbInstanceSpec spec, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters()
            .Add("DBInstanceIdentifier", spec.Identifier)
            .Add("DBInstanceClass", spec.InstanceClass)
            .Add("Engine", "postgres")
            .Add("EngineVersion", spec.EngineVersion)
            .Add("AllocatedStorage", spec.AllocatedStorage)
            .Add("MasterUsername", spec.MasterUsername)
            .AddSecret("MasterUserPassword", spec.MasterPassword)
            .AddList("VpcSecurityGroupIds", spec.VpcSecurityGroupIds, "VpcSecurityGroupId")
            .Add("PubliclyAccessible", spec.PubliclyAccessible)
            .Add("BackupRetentionPeriod", spec.BackupRetentionPeriod)
            .Add("DeletionProtection", true)
            .Add("StorageEncrypted", true)
            .Add("StorageType", spec.StorageType)
            .Add("CopyTagsToSnapshot", true)
            .Add("MultiAZ", spec.MultiAz)
            .Add("DBParameterGroupName", spec.ParameterGroupName)
            .AddTags(spec.Tags, "Tag");
        var result = await client.CallAsync("CreateDBInstance", parameters, cancellationToken);
        return Parse(result.Child("DBInstance") ?? throw Missing("CreateDBInstance"));
    }

    public async Task<DbInstance> ModifyDbInstanceAsync(string identifier, DbInstanceChanges changes, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters()
            .Add("DBInstanceIdentifier", identifier)
            .Add("DBInstanceClass", changes.InstanceClass)
            .Add("EngineVersion", changes.EngineVersion)
            .Add("AllowMajorVersionUpgrade", changes.AllowMajorVersionUpgrade ? "true" : null)
            .Add("AllocatedStorage", changes.AllocatedStorage?.ToString(CultureInfo.InvariantCulture))
            .Add("BackupRetentionPeriod", changes.BackupRetentionPeriod?.ToString(CultureInfo.InvariantCulture))
            .Add("PubliclyAccessible", Flag(changes.PubliclyAccessible))
            .Add("DeletionProtection", Flag(changes.DeletionProtection))
            .AddList("VpcSecurityGroupIds", changes.VpcSecurityGroupIds ?? [], "VpcSecurityGroupId")
            .Add("StorageType", changes.StorageType)
            .Add("CopyTagsToSnapshot", Flag(changes.CopyTagsToSnapshot))
            .Add("MultiAZ", Flag(changes.MultiAz))
            .Add("DBParameterGroupName", changes.ParameterGroupName)
            .Add("ApplyImmediately", changes.ApplyImmediately);
        var result = await client.CallAsync("ModifyDBInstance", parameters, cancellationToken);
        return Parse(result.Child("DBInstance") ?? throw Missing("ModifyDBInstance"));
    }

    public async Task<DbParameterGroup?> DescribeParameterGroupAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("DescribeDBParameterGroups", new QueryParameters().Add("DBParameterGroupName", name), cancellationToken);
            return result.Child("DBParameterGroups")?.Children("DBParameterGroup")
                .Select(group => new DbParameterGroup(group.Text("DBParameterGroupName") ?? "", group.Text("DBParameterGroupFamily") ?? "")).FirstOrDefault();
        }
        catch (AwsQueryException exception) when (exception.Code == "DBParameterGroupNotFound")
        {
            return null;
        }
    }

    public Task CreateParameterGroupAsync(DbParameterGroup group, string description, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.CallAsync("CreateDBParameterGroup", new QueryParameters()
            .Add("DBParameterGroupName", group.Name)
            .Add("DBParameterGroupFamily", group.Family)
            .Add("Description", description)
            .AddTags(tags, "Tag"), cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> UserParametersAsync(string group, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("DescribeDBParameters", new QueryParameters().Add("DBParameterGroupName", group).Add("Source", "user"), cancellationToken);
        return result.Child("Parameters")?.Children("Parameter")
            .Where(parameter => parameter.Text("ParameterValue") is not null)
            .ToDictionary(parameter => parameter.Text("ParameterName") ?? "", parameter => parameter.Text("ParameterValue")!) ?? [];
    }

    public Task SetParameterAsync(string group, string name, string value, CancellationToken cancellationToken) =>
        client.CallAsync("ModifyDBParameterGroup", new QueryParameters()
            .Add("DBParameterGroupName", group)
            .Add("Parameters.Parameter.1.ParameterName", name)
            .Add("Parameters.Parameter.1.ParameterValue", value)
            .Add("Parameters.Parameter.1.ApplyMethod", "immediate"), cancellationToken);

    public Task CreateSnapshotAsync(string instance, string snapshot, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.CallAsync("CreateDBSnapshot", new QueryParameters().Add("DBInstanceIdentifier", instance).Add("DBSnapshotIdentifier", snapshot).AddTags(tags, "Tag"), cancellationToken);

    public async Task<string?> SnapshotStatusAsync(string snapshot, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("DescribeDBSnapshots", new QueryParameters().Add("DBSnapshotIdentifier", snapshot), cancellationToken);
            return result.Child("DBSnapshots")?.Children("DBSnapshot").Select(found => found.Text("Status")).FirstOrDefault();
        }
        catch (AwsQueryException exception) when (exception.Code == "DBSnapshotNotFound")
        {
            return null;
        }
    }

    private static string? Flag(bool? value) => value is { } flag ? flag ? "true" : "false" : null;

    private static InvalidOperationException Missing(string action) => new($"RDS {action} replied without a DBInstance element.");

    internal static DbInstance Parse(XElement element)
    {
        var endpoint = element.Child("Endpoint");
        return new DbInstance(
            element.Text("DBInstanceIdentifier") ?? "",
            element.Text("DBInstanceStatus") ?? "",
            element.Text("Engine") ?? "",
            element.Text("EngineVersion") ?? "",
            element.Text("DBInstanceClass") ?? "",
            Int(element.Text("AllocatedStorage")) ?? 0,
            Int(element.Text("BackupRetentionPeriod")) ?? 0,
            element.Text("PubliclyAccessible") == "true",
            element.Text("DeletionProtection") == "true",
            element.Text("StorageEncrypted") == "true",
            element.Text("StorageType") ?? "",
            element.Text("CopyTagsToSnapshot") == "true",
            element.Text("MultiAZ") == "true",
            element.Child("DBParameterGroups")?.Children("DBParameterGroup").Select(group => group.Text("DBParameterGroupName") ?? "").ToList() ?? [],
            element.Text("PreferredMaintenanceWindow") ?? "",
            element.Child("PendingModifiedValues")?.Elements().Where(value => !value.HasElements).ToDictionary(value => value.Name.LocalName, value => value.Value) ?? [],
            element.Child("VpcSecurityGroups")?.Children("VpcSecurityGroupMembership").Select(member => member.Text("VpcSecurityGroupId") ?? "").ToList() ?? [],
            element.Child("TagList")?.Children("Tag").ToDictionary(tag => tag.Text("Key") ?? "", tag => tag.Text("Value") ?? "") ?? [],
            endpoint?.Text("Address"),
            Int(endpoint?.Text("Port")));
    }

    private static int? Int(string? text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : null;
}
