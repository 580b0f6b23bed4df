using System.Globalization;
using System.Xml.Linq;

namespace CoralNet.Deploy.Aws.Query;

public sealed record LoadBalancer(string Arn, string Name, string DnsName, string State, IReadOnlyList<string> SecurityGroups, IReadOnlyList<string> Subnets);

public sealed record TargetGroup(string Arn, string Name, string Protocol, int Port, string VpcId, HealthCheck HealthCheck);

/// <summary>How a target group checks its targets over HTTP: the path, how often, how many answers decide, and the status codes that pass.</summary>
public sealed record HealthCheck(string Path, int IntervalSeconds, int TimeoutSeconds, int HealthyThreshold, int UnhealthyThreshold, string Matcher)
{
    public override string ToString() =>
        $"{Path} every {IntervalSeconds} s (timeout {TimeoutSeconds} s), healthy after {HealthyThreshold}, unhealthy after {UnhealthyThreshold}, passing on HTTP {Matcher}";
}

/// <summary>A listener's default action: forward to a target group, or a redirect (protocol, port, status code).</summary>
public sealed record ListenerAction(string Type, string? TargetGroupArn = null, string? RedirectProtocol = null, string? RedirectPort = null, string? RedirectStatusCode = null)
{
    public static ListenerAction Forward(string targetGroupArn) => new("forward", TargetGroupArn: targetGroupArn);

    public static ListenerAction RedirectToHttps() => new("redirect", RedirectProtocol: "HTTPS", RedirectPort: "443", RedirectStatusCode: "HTTP_301");

    public override string ToString() => Type == "redirect" ? $"redirect to {RedirectProtocol}:{RedirectPort} ({RedirectStatusCode})" : $"{Type} to {TargetGroupArn}";
}

public sealed record Listener(string Arn, int Port, string Protocol, string? CertificateArn, IReadOnlyList<ListenerAction> DefaultActions);

/// <summary>One registered target and its health as the load balancer sees it (initial, healthy, unhealthy, draining, unused...).</summary>
public sealed record TargetHealth(string InstanceId, string State);

/// <summary>Elastic Load Balancing v2 (Application Load Balancers) over the Query protocol, API version 2015-12-01.</summary>
public sealed class ElbClient(QueryClient client)
{
    public const string ApiVersion = "2015-12-01";

    public Task<LoadBalancer?> FindLoadBalancerAsync(string name, CancellationToken cancellationToken) =>
        FindByNameAsync("DescribeLoadBalancers", "LoadBalancers", "LoadBalancerNotFound", name, ReadLoadBalancer, cancellationToken);

    public async Task<LoadBalancer> CreateLoadBalancerAsync(string name, IEnumerable<string> subnets, string securityGroupId, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters().Add("Name", name).Add("Type", "application").Add("Scheme", "internet-facing")
            .AddList("Subnets", subnets).AddList("SecurityGroups", [securityGroupId]).AddTags(tags, "member");
        var result = await client.CallAsync("CreateLoadBalancer", parameters, cancellationToken);
        return ReadLoadBalancer(result.Path("LoadBalancers", "member")!);
    }

    public Task SetSecurityGroupsAsync(string loadBalancerArn, string securityGroupId, CancellationToken cancellationToken) =>
        client.CallAsync("SetSecurityGroups", new QueryParameters().Add("LoadBalancerArn", loadBalancerArn).AddList("SecurityGroups", [securityGroupId]), cancellationToken);

    public Task<TargetGroup?> FindTargetGroupAsync(string name, CancellationToken cancellationToken) =>
        FindByNameAsync("DescribeTargetGroups", "TargetGroups", "TargetGroupNotFound", name, ReadTargetGroup, cancellationToken);

    /// <summary>An HTTP target group of instances on port 80, health-checked over HTTP as <paramref name="healthCheck"/> says.</summary>
    public async Task<TargetGroup> CreateTargetGroupAsync(string name, string vpcId, HealthCheck healthCheck, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken)
    {
        var parameters = new QueryParameters().Add("Name", name).Add("Protocol", "HTTP").Add("Port", 80).Add("VpcId", vpcId).Add("TargetType", "instance");
        var result = await client.CallAsync("CreateTargetGroup", HealthCheckParameters(parameters, healthCheck).AddTags(tags, "member"), cancellationToken);
        return ReadTargetGroup(result.Path("TargetGroups", "member")!);
    }

    public Task SetHealthCheckAsync(string targetGroupArn, HealthCheck healthCheck, CancellationToken cancellationToken) =>
        client.CallAsync("ModifyTargetGroup", HealthCheckParameters(new QueryParameters().Add("TargetGroupArn", targetGroupArn), healthCheck), cancellationToken);

    public async Task<IReadOnlyDictionary<string, string>> TargetGroupAttributesAsync(string targetGroupArn, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("DescribeTargetGroupAttributes", new QueryParameters().Add("TargetGroupArn", targetGroupArn), cancellationToken);
        return (result.Child("Attributes")?.Children("member") ?? []).ToDictionary(member => member.Text("Key") ?? "", member => member.Text("Value") ?? "");
    }

    public Task SetTargetGroupAttributeAsync(string targetGroupArn, string key, string value, CancellationToken cancellationToken) =>
        client.CallAsync("ModifyTargetGroupAttributes",
            new QueryParameters().Add("TargetGroupArn", targetGroupArn).Add("Attributes.member.1.Key", key).Add("Attributes.member.1.Value", value), cancellationToken);

    public async Task<IReadOnlyList<Listener>> ListenersAsync(string loadBalancerArn, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("DescribeListeners", new QueryParameters().Add("LoadBalancerArn", loadBalancerArn), cancellationToken);
        return (result.Child("Listeners")?.Children("member") ?? []).Select(ReadListener).ToList();
    }

    public Task CreateListenerAsync(string loadBalancerArn, int port, string protocol, string? certificateArn, ListenerAction action, IReadOnlyDictionary<string, string> tags, CancellationToken cancellationToken) =>
        client.CallAsync("CreateListener",
            ListenerParameters(new QueryParameters().Add("LoadBalancerArn", loadBalancerArn).Add("Port", port).Add("Protocol", protocol), certificateArn, action).AddTags(tags, "member"),
            cancellationToken);

    public Task ModifyListenerAsync(string listenerArn, string protocol, string? certificateArn, ListenerAction action, CancellationToken cancellationToken) =>
        client.CallAsync("ModifyListener", ListenerParameters(new QueryParameters().Add("ListenerArn", listenerArn).Add("Protocol", protocol), certificateArn, action), cancellationToken);

    public Task RegisterTargetsAsync(string targetGroupArn, IEnumerable<string> instanceIds, CancellationToken cancellationToken) =>
        client.CallAsync("RegisterTargets", TargetParameters(targetGroupArn, instanceIds), cancellationToken);

    public Task DeregisterTargetsAsync(string targetGroupArn, IEnumerable<string> instanceIds, CancellationToken cancellationToken) =>
        client.CallAsync("DeregisterTargets", TargetParameters(targetGroupArn, instanceIds), cancellationToken);

    /// <summary>The registered targets' health; or, naming <paramref name="instanceIds"/>, theirs whether registered or not ("unused" once deregistered).</summary>
    public async Task<IReadOnlyList<TargetHealth>> TargetHealthAsync(string targetGroupArn, CancellationToken cancellationToken, IEnumerable<string>? instanceIds = null)
    {
        var parameters = instanceIds is null ? new QueryParameters().Add("TargetGroupArn", targetGroupArn) : TargetParameters(targetGroupArn, instanceIds);
        var result = await client.CallAsync("DescribeTargetHealth", parameters, cancellationToken);
        return (result.Child("TargetHealthDescriptions")?.Children("member") ?? [])
            .Select(member => new TargetHealth(member.Path("Target", "Id")?.Value ?? "", member.Path("TargetHealth", "State")?.Value ?? ""))
            .ToList();
    }

    public async Task<IReadOnlyDictionary<string, string>> TagsAsync(string resourceArn, CancellationToken cancellationToken)
    {
        var result = await client.CallAsync("DescribeTags", new QueryParameters().AddList("ResourceArns", [resourceArn]), cancellationToken);
        return (result.Path("TagDescriptions", "member", "Tags")?.Children("member") ?? []).ToDictionary(tag => tag.Text("Key") ?? "", tag => tag.Text("Value") ?? "");
    }

    /// <summary>A Describe call by name: ELBv2 answers a name it does not know with an error, read here as none.</summary>
    private async Task<T?> FindByNameAsync<T>(string action, string list, string notFoundCode, string name, Func<XElement, T> read, CancellationToken cancellationToken)
        where T : class
    {
        try
        {
            var result = await client.CallAsync(action, new QueryParameters().AddList("Names", [name]), cancellationToken);
            return result.Child(list)?.Children("member").Select(read).FirstOrDefault();
        }
        catch (AwsQueryException error) when (error.Code == notFoundCode)
        {
            return null;
        }
    }

    private static QueryParameters TargetParameters(string targetGroupArn, IEnumerable<string> instanceIds)
    {
        var parameters = new QueryParameters().Add("TargetGroupArn", targetGroupArn);
        var index = 1;
        foreach (var id in instanceIds)
        {
            parameters.Add($"Targets.member.{index++}.Id", id);
        }

        return parameters;
    }

    private static QueryParameters HealthCheckParameters(QueryParameters parameters, HealthCheck check) =>
        parameters.Add("HealthCheckProtocol", "HTTP").Add("HealthCheckPath", check.Path).Add("HealthCheckIntervalSeconds", check.IntervalSeconds)
            .Add("HealthCheckTimeoutSeconds", check.TimeoutSeconds).Add("HealthyThresholdCount", check.HealthyThreshold)
            .Add("UnhealthyThresholdCount", check.UnhealthyThreshold).Add("Matcher.HttpCode", check.Matcher);

    private static QueryParameters ListenerParameters(QueryParameters parameters, string? certificateArn, ListenerAction action)
    {
        if (certificateArn is not null)
        {
            parameters.Add("Certificates.member.1.CertificateArn", certificateArn);
        }

        const string Action = "DefaultActions.member.1.";
        return parameters.Add(Action + "Type", action.Type).Add(Action + "TargetGroupArn", action.TargetGroupArn)
            .Add(Action + "RedirectConfig.Protocol", action.RedirectProtocol).Add(Action + "RedirectConfig.Port", action.RedirectPort)
            .Add(Action + "RedirectConfig.StatusCode", action.RedirectStatusCode);
    }

    private static LoadBalancer ReadLoadBalancer(XElement member) => new(
        member.Text("LoadBalancerArn") ?? "",
        member.Text("LoadBalancerName") ?? "",
        member.Text("DNSName") ?? "",
        member.Path("State", "Code")?.Value ?? "",
        (member.Child("SecurityGroups")?.Children("member") ?? []).Select(group => group.Value).ToList(),
        (member.Child("AvailabilityZones")?.Children("member") ?? []).Select(zone => zone.Text("SubnetId") ?? "").ToList());

    private static TargetGroup ReadTargetGroup(XElement member) => new(
        member.Text("TargetGroupArn") ?? "",
        member.Text("TargetGroupName") ?? "",
        member.Text("Protocol") ?? "",
        int.Parse(member.Text("Port") ?? "0", CultureInfo.InvariantCulture),
        member.Text("VpcId") ?? "",
        new HealthCheck(
            member.Text("HealthCheckPath") ?? "",
            Number(member, "HealthCheckIntervalSeconds"),
            Number(member, "HealthCheckTimeoutSeconds"),
            Number(member, "HealthyThresholdCount"),
            Number(member, "UnhealthyThresholdCount"),
            member.Path("Matcher", "HttpCode")?.Value ?? ""));

    private static int Number(XElement member, string name) => int.TryParse(member.Text(name), CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static Listener ReadListener(XElement member) => new(
        member.Text("ListenerArn") ?? "",
        int.Parse(member.Text("Port") ?? "0", CultureInfo.InvariantCulture),
        member.Text("Protocol") ?? "",
        member.Path("Certificates", "member", "CertificateArn")?.Value,
        (member.Child("DefaultActions")?.Children("member") ?? []).Select(action => new ListenerAction(
            action.Text("Type") ?? "",
            action.Text("TargetGroupArn"),
            action.Path("RedirectConfig", "Protocol")?.Value,
            action.Path("RedirectConfig", "Port")?.Value,
            action.Path("RedirectConfig", "StatusCode")?.Value)).ToList());
}
