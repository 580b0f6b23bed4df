using System.Net;

namespace CoralNet.Deploy.Aws.Query;

public sealed record IamRole(string Name, string Arn, IReadOnlyDictionary<string, string> Tags, string? PermissionsBoundaryArn = null);

public sealed record IamInstanceProfile(string Name, string Arn, IReadOnlyList<string> RoleNames);

/// <summary>The IAM calls the suite makes.</summary>
public interface IIamClient
{
    Task<IamRole?> GetRoleAsync(string roleName, CancellationToken cancellationToken);

    Task<IamRole> CreateRoleAsync(string roleName, string assumeRolePolicy, string permissionsBoundaryArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    Task PutRolePermissionsBoundaryAsync(string roleName, string permissionsBoundaryArn, CancellationToken cancellationToken);

    /// <summary>The managed policy's default version's JSON document, or null when there is no such policy.</summary>
    Task<string?> GetPolicyDocumentAsync(string policyArn, CancellationToken cancellationToken);

    Task CreatePolicyAsync(string policyName, string document, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    /// <summary>The inline policy's JSON document, or null when the role has no policy of that name.</summary>
    Task<string?> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken);

    Task PutRolePolicyAsync(string roleName, string policyName, string document, CancellationToken cancellationToken);

    Task<IamInstanceProfile?> GetInstanceProfileAsync(string name, CancellationToken cancellationToken);

    Task<IamInstanceProfile> CreateInstanceProfileAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken);

    Task AddRoleToInstanceProfileAsync(string profileName, string roleName, CancellationToken cancellationToken);
}

/// <summary>IAM over the Query protocol, API version 2010-05-08 (a global service, signed for us-east-1).</summary>
public sealed class IamClient(QueryClient client) : IIamClient
{
    public const string ApiVersion = "2010-05-08";

    public async Task<IamRole?> GetRoleAsync(string roleName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("GetRole", new QueryParameters().Add("RoleName", roleName), cancellationToken);
            return ParseRole(result.Child("Role"));
        }
        catch (AwsQueryException exception) when (IsNoSuchEntity(exception))
        {
            return null;
        }
    }

    public async Task<IamRole> CreateRoleAsync(string roleName, string assumeRolePolicy, string permissionsBoundaryArn, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync(
            "CreateRole",
            new QueryParameters().Add("RoleName", roleName).Add("AssumeRolePolicyDocument", assumeRolePolicy).Add("PermissionsBoundary", permissionsBoundaryArn).AddTags(tags, "member"),
            cancellationToken);
        return ParseRole(result.Child("Role"));
    }

    public Task PutRolePermissionsBoundaryAsync(string roleName, string permissionsBoundaryArn, CancellationToken cancellationToken) =>
        client.CallAsync("PutRolePermissionsBoundary", new QueryParameters().Add("RoleName", roleName).Add("PermissionsBoundary", permissionsBoundaryArn), cancellationToken);

    public async Task<string?> GetPolicyDocumentAsync(string policyArn, CancellationToken cancellationToken)
    {
        try
        {
            var policy = await client.CallAsync("GetPolicy", new QueryParameters().Add("PolicyArn", policyArn), cancellationToken);
            var version = policy.Child("Policy")?.Text("DefaultVersionId") ?? "v1";
            var document = await client.CallAsync("GetPolicyVersion", new QueryParameters().Add("PolicyArn", policyArn).Add("VersionId", version), cancellationToken);
            return document.Child("PolicyVersion")?.Text("Document") is { } text ? WebUtility.UrlDecode(text) : null;
        }
        catch (AwsQueryException exception) when (IsNoSuchEntity(exception))
        {
            return null;
        }
    }

    public Task CreatePolicyAsync(string policyName, string document, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.CallAsync("CreatePolicy", new QueryParameters().Add("PolicyName", policyName).Add("PolicyDocument", document).AddTags(tags, "member"), cancellationToken);

    public async Task<string?> GetRolePolicyAsync(string roleName, string policyName, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("GetRolePolicy", new QueryParameters().Add("RoleName", roleName).Add("PolicyName", policyName), cancellationToken);
            // IAM returns policy documents URL-encoded (RFC 3986).
            return result.Text("PolicyDocument") is { } document ? WebUtility.UrlDecode(document) : null;
        }
        catch (AwsQueryException exception) when (IsNoSuchEntity(exception))
        {
            return null;
        }
    }

    public Task PutRolePolicyAsync(string roleName, string policyName, string document, CancellationToken cancellationToken) =>
        client.CallAsync("PutRolePolicy", new QueryParameters().Add("RoleName", roleName).Add("PolicyName", policyName).Add("PolicyDocument", document), cancellationToken);

    public async Task<IamInstanceProfile?> GetInstanceProfileAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            var result = await client.CallAsync("GetInstanceProfile", new QueryParameters().Add("InstanceProfileName", name), cancellationToken);
            return ParseProfile(result.Child("InstanceProfile"));
        }
        catch (AwsQueryException exception) when (IsNoSuchEntity(exception))
        {
            return null;
        }
    }

    public async Task<IamInstanceProfile> CreateInstanceProfileAsync(string name, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("CreateInstanceProfile", new QueryParameters().Add("InstanceProfileName", name).AddTags(tags, "member"), cancellationToken);
        return ParseProfile(result.Child("InstanceProfile"));
    }

    public Task AddRoleToInstanceProfileAsync(string profileName, string roleName, CancellationToken cancellationToken) =>
        client.CallAsync("AddRoleToInstanceProfile", new QueryParameters().Add("InstanceProfileName", profileName).Add("RoleName", roleName), cancellationToken);

    private static bool IsNoSuchEntity(AwsQueryException exception) => exception.Code == "NoSuchEntity";

    private static IamRole ParseRole(System.Xml.Linq.XElement? role) =>
        role is null
            ? throw new InvalidOperationException("IAM replied without a Role element.")
            : new IamRole(
                role.Text("RoleName") ?? "",
                role.Text("Arn") ?? "",
                role.Child("Tags")?.Children("member").ToDictionary(tag => tag.Text("Key") ?? "", tag => tag.Text("Value") ?? "") ?? [],
                role.Child("PermissionsBoundary")?.Text("PermissionsBoundaryArn"));

    private static IamInstanceProfile ParseProfile(System.Xml.Linq.XElement? profile) =>
        profile is null
            ? throw new InvalidOperationException("IAM replied without an InstanceProfile element.")
            : new IamInstanceProfile(
                profile.Text("InstanceProfileName") ?? "",
                profile.Text("Arn") ?? "",
                profile.Child("Roles")?.Children("member").Select(member => member.Text("RoleName") ?? "").ToList() ?? []);
}
