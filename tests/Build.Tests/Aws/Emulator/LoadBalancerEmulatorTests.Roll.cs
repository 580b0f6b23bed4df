using Amazon.Runtime;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;
using CoralNet.Deploy.Tests.Remote;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>A rolling deploy over the environment's target group on the emulator, through model web hosts (named as the instances are) whose cutovers are commands on a model.</summary>
public sealed partial class LoadBalancerEmulatorTests
{
    private static readonly string[] Instances = ["coralnet-emulator-web", "coralnet-emulator-web-2"];

    /// <summary>The settings the roll reads: the emulator environment with its load balancer, as WithLoadBalancer gives them on the command line.</summary>
    private DeploySettings RollSettings() => new()
    {
        Environment = EmulatorRun.Environment,
        Provider = ProviderKind.Aws,
        Site = { Name = "coralnet", Domain = "coralnet.emulator.test" },
        Aws = { Region = "us-east-1", Endpoint = Run.Server.Url, LoadBalancer = true, CertificateArn = _certificate, DeregistrationDelaySeconds = 20, WebInstances = 2 },
        Timeouts = { LoadBalancerHealthySeconds = 20 },
    };

    private AwsServices Connect(ListLog log) =>
        new AwsClientFactory(new BasicAWSCredentials("emulator-key", "emulator-secret")).Connect(RollSettings().Aws, log);

    private sealed record Roll(string Id, Exception? Error, Dictionary<string, ModelHost> Hosts, List<string> Events, string Calls);

    /// <summary>
    /// Deploys a new release to the model hosts, rolled one host at a time through the emulator's target group
    /// (found as the Roll task finds it); each cutover records which instances the target group then holds.
    /// With <paramref name="nginx"/> the health check is the suite's own, asking each instance's web server as an AWS run reaches it.
    /// </summary>
    private async Task<Roll> RollAsync(string? broken = null, IsolatedWebHosts? nginx = null)
    {
        Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));
        var log = new ListLog();
        using var services = Connect(log);
        var balancer = await AlbLoadBalancer.FindAsync(services, RollSettings(), log, TimeSpan.FromMilliseconds(200), CancellationToken.None);
        var names = Instances.ToDictionary(name => WebInstanceId(name), name => name);
        SshTarget[] targets = [.. Instances.Select((name, index) => nginx?.Target(name) ?? new SshTarget(name, $"192.0.2.{index + 1}"))];
        var hosts = Instances.ToDictionary(name => name, name => ModelHost.Serving(name, ModelSite.Old, ModelSite.Older));
        var events = new List<string>();
        IRemoteExecutor model = new ModelExecutor(hosts);
        var executor = new TargetGroupWatch(nginx is null ? model : new ServingPublished(model, host => nginx.Serve(host.Name, hosts[host.Name].Served)), async () =>
            string.Join(" ", (await services.LoadBalancing.TargetHealthAsync(TargetGroup()["TargetGroupArn"]!.GetValue<string>(), CancellationToken.None))
                .Select(target => $"{names[target.InstanceId]}={target.State}").Order(StringComparer.Ordinal)), events);

        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        using var cache = new TempDirectory();
        var deployer = new ReleaseDeployer(executor, targets, new ReleaseOptions(ModelSite.Site, site.Path, cache.Path, TimeSpan.FromSeconds(nginx is null ? 1 : 5), UndoRetries: [TimeSpan.Zero], HostPorts: nginx?.Ports),
            _ => { }, _ => { }, probe: nginx is null ? new ModelProbe(hosts, broken) : null);
        var id = deployer.Package(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        await deployer.LockAsync(DeployLockHolder.ThisRun(id), 0);
        foreach (var host in hosts.Values)
        {
            host.Releases.Add(id);
            host.Complete.Add(id);
        }

        var error = await Record(async () =>
        {
            await deployer.RollAsync(balancer, new RollOptions(BatchSize.One, false));
            await deployer.FinishAsync();
        });
        if (error is not null)
        {
            await deployer.AbandonAsync();
        }

        return new Roll(id, error, hosts, events, string.Join("\n", log.Lines));
    }

    private static async Task<Exception?> Record(Func<Task> action)
    {
        try
        {
            await action();
            return null;
        }
        catch (Exception exception)
        {
            return exception;
        }
    }

    [Test]
    public async Task A_rolling_deploy_cuts_each_instance_over_while_deregistered_with_the_other_serving_and_registers_it_back_healthy()
    {
        var roll = await RollAsync();

        Assert.That(roll.Error, Is.Null);
        Assert.That(roll.Hosts.Values.Select(host => host.Served), Is.All.EqualTo(roll.Id));
        Assert.That(roll.Events, Is.EqualTo(new[]
        {
            "coralnet-emulator-web: cutover with the target group holding coralnet-emulator-web-2=healthy",
            "coralnet-emulator-web-2: cutover with the target group holding coralnet-emulator-web=healthy",
        }));
        Assert.That(RegisteredTargets(), Is.EquivalentTo(WebInstanceIds()));
        Assert.That(roll.Calls, Does.Contain($"targets {WebInstanceId()}: {WebInstanceId()} unused after").And.Contain($"targets {WebInstanceId()}: {WebInstanceId()} healthy after"));

        var settings = AwsProvisionerTests.Settings();
        settings.Aws.LoadBalancer = true;
        var allowed = DeployPolicy.Statements(settings, "us-east-1").SelectMany(statement => statement.Actions).ToHashSet();
        var called = ElbActions(roll.Calls).Distinct().ToList();
        Assert.That(called, Is.SupersetOf(new[]
        {
            "elasticloadbalancing:DescribeTargetGroups", "elasticloadbalancing:DeregisterTargets", "elasticloadbalancing:DescribeTargetHealth", "elasticloadbalancing:RegisterTargets",
        }));
        Assert.That(called, Is.SubsetOf(allowed), "the deploy policy allows every call of the roll");
    }

    [Test]
    public async Task A_batch_failing_its_health_check_stops_the_roll_rolled_back_and_registered_again_with_the_others_untouched()
    {
        var roll = await RollAsync(broken: "coralnet-emulator-web");

        Assert.That(roll.Error, Is.TypeOf<ReleaseException>());
        Assert.That(roll.Error!.Message, Does.Contain("The roll stopped at batch 1 of 2 (coralnet-emulator-web)").And.Contain($"release {ModelSite.Old} serves again"));
        Assert.That(roll.Hosts.Values.Select(host => host.Served), Is.All.EqualTo(ModelSite.Old));
        Assert.That(roll.Events, Is.EqualTo(new[] { "coralnet-emulator-web: cutover with the target group holding coralnet-emulator-web-2=healthy" }), "the second instance was never drained");
        Assert.That(RegisteredTargets(), Is.EquivalentTo(WebInstanceIds()), "the failed instance is back in the target group, on the old release");
    }

    [Test]
    public async Task On_aws_the_rolls_health_check_asks_each_instances_nginx_through_its_ssh_connection()
    {
        using var nginx = new IsolatedWebHosts(Instances, pool => HostPortRoute.For(RollSettings(), pool));

        var roll = await RollAsync(nginx: nginx);

        Assert.That(roll.Error, Is.Null);
        Assert.That(roll.Hosts.Values.Select(host => host.Served), Is.All.EqualTo(roll.Id));
        foreach (var name in Instances)
        {
            Assert.That(nginx.Requests(name), Is.Not.Empty.And.All.EqualTo($"GET {ModelSite.Site.Domain} /health/"), $"{name}'s web server, reachable only over SSH, was asked for the site by its name");
        }

        Assert.That(nginx.Forwards, Is.EqualTo(2), "one forward per instance, kept for the run");
        Assert.That(nginx.Connections, Is.EqualTo(2), "the forwards ride the run's connections");
    }

    [Test]
    public void An_aws_runs_connections_route_the_checks_of_nginx_through_ssh()
    {
        Run.WithOperatorKey();
        Run.Succeed(WithLoadBalancer("--target=ProvisionAws"));

        // The emulator's instances answer no SSH: the run fails connecting, after its connections chose the route.
        var (_, output) = Run.Run(WithLoadBalancer("--target=Status"));

        Assert.That(output, Does.Contain("The suite's checks of the hosts' nginx go through their SSH connections").And.Contain("SSH forwards to the hosts' nginx opened: 0"));
    }

    [Test]
    public void Deploy_rolls_through_several_instances_behind_the_load_balancer_and_cuts_one_over_in_place()
    {
        var several = Run.Succeed([.. WithLoadBalancer("--target=Deploy"), "--dryrun"]);
        Assert.That(several, Does.Match(@"\d+\. Roll\n").And.Not.Match(@"\d+\. RestartGunicorn").And.Not.Match(@"\d+\. ConfigureLoadBalancer"), "Provision makes the ALB: no host of its own to configure");

        var one = Run.Succeed("--target=Deploy", "--dryrun", "--tls_mode=off", "--aws_loadbalancer=true", $"--aws_certificatearn={_certificate}");
        Assert.That(one, Does.Not.Match(@"\d+\. Roll\n").And.Match(@"\d+\. RestartGunicorn").And.Match(@"\d+\. ReloadNginx"), "one instance: a roll would have to drain the only one");
    }

    /// <summary>Passes commands to the model hosts; after each, tells the host's web server what the model now serves.</summary>
    private sealed class ServingPublished(IRemoteExecutor inner, Action<SshTarget> publish) : IRemoteExecutor
    {
        public async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
        {
            try
            {
                return await inner.RunAsync(host, command, cancellation);
            }
            finally
            {
                publish(host);
            }
        }

        public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => inner.RebootAsync(host, timeout, cancellation);
    }

    /// <summary>Passes commands to the model hosts; as each host's cutover starts, records what the target group holds then.</summary>
    private sealed class TargetGroupWatch(IRemoteExecutor inner, Func<Task<string>> targetGroup, List<string> events) : IRemoteExecutor
    {
        public async Task<CommandResult> RunAsync(SshTarget host, RemoteCommand command, CancellationToken cancellation = default)
        {
            // The cutover proper: current moved and nginx pointed at the standby (the standby itself starts while the
            // instance drains, and the next batch's while this one cuts over).
            if (command.Summary.StartsWith("switch current to ", StringComparison.Ordinal))
            {
                events.Add($"{host.Name}: cutover with the target group holding {await targetGroup()}");
            }

            return await inner.RunAsync(host, command, cancellation);
        }

        public Task RebootAsync(SshTarget host, TimeSpan timeout, CancellationToken cancellation = default) => inner.RebootAsync(host, timeout, cancellation);
    }
}
