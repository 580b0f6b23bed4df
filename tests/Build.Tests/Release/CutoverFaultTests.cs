using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using static CoralNet.Deploy.Tests.Release.ModelSite;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The cutover and its undo on two model hosts, with a fault injected at every command the run sends,
/// after every number of its steps, in each of the four ways a command can fail: afterwards the hosts
/// all serve the old release or all the new one, with <c>current</c> naming what they serve, the lock
/// released, and a new release that does not serve deleted.
/// </summary>
public sealed class CutoverFaultTests
{

    public enum Scenario
    {
        Rollback,
        Deploy,
        FirstDeploy,
    }

    [Test]
    public async Task After_a_fault_at_any_command_every_host_serves_the_old_release_or_every_host_the_new_one([Values] Scenario kind, [Values] FaultKind faultKind)
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        var clean = await RunAsync(kind, site.Path, fault: null);
        Assert.That(clean.Error, Is.Null, "the run without a fault succeeds");
        Assert.That(clean.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(clean.New));

        var problems = new List<string>();
        var faults = 0;
        for (var call = 0; call < clean.StepsPerCall.Count; call++)
        {
            for (var applied = 0; applied <= clean.StepsPerCall[call]; applied++)
            {
                var fault = new Fault(call, applied, faultKind);
                var outcome = await RunAsync(kind, site.Path, fault);
                faults++;
                problems.AddRange(outcome.Problems().Select(p => $"{fault}: {p}"));
            }
        }

        Assert.That(faults, Is.GreaterThan(20), "every command of the run was faulted");
        Assert.That(problems, Is.Empty);
    }

    [Test]
    public async Task A_connection_that_stays_down_for_the_first_try_of_the_undo_is_undone_on_the_next_try()
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        var clean = await RunAsync(Scenario.Deploy, site.Path, fault: null);
        // The nginx step of web1 and web2 (each a call), then web1's first undo try.
        var nginx = clean.StepsPerCall.Count - 3;

        var outcome = await RunAsync(Scenario.Deploy, site.Path, new Fault(nginx - 1, 1, FaultKind.DroppedConnection, Times: 3));

        Assert.That(outcome.Error, Is.Not.Null);
        Assert.That(outcome.Problems(), Is.Empty);
        Assert.That(outcome.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(Old));
    }

    [Test]
    public async Task A_release_failing_the_health_check_on_one_host_goes_back_on_both()
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");

        var outcome = await RunAsync(Scenario.Deploy, site.Path, fault: null, broken: "web2");

        Assert.That(outcome.Error, Is.TypeOf<ReleaseException>());
        Assert.That(outcome.Error!.Message, Does.Contain("failed its health check through nginx").And.Contain($"release {Old} serves again"));
        Assert.That(outcome.Problems(), Is.Empty);
        Assert.That(outcome.Hosts.Values.Select(h => h.Served), Is.All.EqualTo(Old));
    }

    [Test]
    public async Task Under_the_lock_a_run_puts_right_what_a_killed_run_left_current_moved_and_an_incomplete_release()
    {
        const string killed = "20261122T000000Z-cccccccc", halfway = "20261123T000000Z-dddddddd";
        var hosts = Targets.ToDictionary(t => t.Name, t => ModelHost.Serving(t.Name, Old, Older));
        foreach (var host in hosts.Values)
        {
            host.Releases.UnionWith([killed, halfway]);
            host.Complete.Add(killed);
            host.Current = killed;
            host.Slots[8002] = killed;
            host.Running[8002] = killed;
        }

        using var cache = new TempDirectory();
        var deployer = Deployer(hosts, new ModelExecutor(hosts), cache.Path, cache.Path);

        await deployer.LockAsync(DeployLockHolder.ThisRun(Old), 0);

        foreach (var host in hosts.Values)
        {
            Assert.That(host.Current, Is.EqualTo(Old), $"{host.Name}: current names what nginx serves again");
            Assert.That(host.Releases, Is.EqualTo(new[] { Older, Old, killed }), $"{host.Name}: the incomplete release is gone, the complete one stays");
        }

        Assert.That((await deployer.ListAsync())["web1"].Current, Is.EqualTo(Old));
        await deployer.AbandonAsync();
        Assert.That(hosts.Values.Select(h => h.Locked), Is.All.False);
    }

    [Test]
    public async Task Under_the_lock_the_serving_mark_a_killed_run_left_behind_nginx_is_put_back_and_the_deploy_starts_in_the_other_slot()
    {
        // Killed after nginx was pointed at 8002, before the mark moved: 8001 still marked, its instance still running.
        var hosts = Targets.ToDictionary(t => t.Name, t => ModelHost.Serving(t.Name, Old, Older));
        foreach (var host in hosts.Values)
        {
            host.Slots[8002] = Older;
            host.Running[8002] = Older;
            host.NginxSlot = 8002;
        }

        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");
        using var cache = new TempDirectory();
        var deployer = Deployer(hosts, new ModelExecutor(hosts), site.Path, cache.Path);
        var id = deployer.Package(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));

        await deployer.LockAsync(DeployLockHolder.ThisRun(id), 0);

        foreach (var host in hosts.Values)
        {
            Assert.That((host.ServingMark, host.Current, host.Served), Is.EqualTo(((int?)8002, Older, Older)), $"{host.Name}: marked and current as nginx serves");
        }

        Uploaded(hosts, id);
        await CutOverAsync(deployer, id);
        await deployer.FinishAsync();
        foreach (var host in hosts.Values)
        {
            Assert.That((host.NginxSlot, host.ServingMark, host.Served), Is.EqualTo(((int?)8001, (int?)8001, id)), $"{host.Name}: the new release started in the slot nginx did not proxy to");
        }
    }

    [Test]
    public async Task A_step_failing_after_the_confirmed_cutover_leaves_the_new_release_serving_and_stops_the_retired_instance()
    {
        using var site = new TempDirectory();
        site.Write("project/app.py", "print('hello')\n");

        var outcome = await RunAsync(Scenario.Deploy, site.Path, fault: null, failAfterCutover: true);

        Assert.That(outcome.Error, Is.Not.Null);
        Assert.That(outcome.Problems(), Is.Empty);
        foreach (var host in outcome.Hosts.Values)
        {
            Assert.That(host.Served, Is.EqualTo(outcome.New), host.Name);
            Assert.That(host.Running.Values, Is.EqualTo(new[] { outcome.New }), $"{host.Name}: the retired instance of {Old} was stopped");
        }
    }

    /// <param name="Fresh">Whether <paramref name="New"/> was made by the run (a deploy), not an old one served again (a rollback).</param>
    private sealed record Outcome(Dictionary<string, ModelHost> Hosts, string? Before, string New, bool Fresh, Exception? Error, List<int> StepsPerCall)
    {
        public IEnumerable<string> Problems()
        {
            var served = Hosts.Values.Select(h => h.Served).Distinct().ToList();
            if (served.Count != 1 || (served[0] != Before && served[0] != New))
            {
                yield return $"the hosts serve {string.Join(", ", Hosts.Values.Select(h => $"{h.Name}: {h.Served ?? "nothing"}"))}";
            }

            if (Error is null && served[0] != New)
            {
                yield return "the run succeeded without serving the new release";
            }

            foreach (var host in Hosts.Values)
            {
                if (host.Current != host.Served)
                {
                    yield return $"{host.Name}: current names {host.Current ?? "nothing"} while it serves {host.Served ?? "nothing"}";
                }

                if (host.Locked)
                {
                    yield return $"{host.Name}: the deploy lock is still held";
                }

                if (Fresh && host.Served != New && host.Releases.Contains(New))
                {
                    yield return $"{host.Name}: the new release {New} is left though it does not serve";
                }
            }
        }
    }

    /// <summary>What the upload and the install steps leave on every host: the release, complete.</summary>
    private static void Uploaded(Dictionary<string, ModelHost> hosts, string id)
    {
        foreach (var host in hosts.Values)
        {
            host.Releases.Add(id);
            host.Complete.Add(id);
        }
    }

    private static async Task CutOverAsync(ReleaseDeployer deployer, string id)
    {
        await deployer.StartStandbyAsync(id);
        await deployer.ReloadNginxAsync(id);
        await deployer.HealthCheckAsync(id);
    }

    /// <param name="failAfterCutover">A step after the confirmed cutover (the certificate, the cleanup) fails.</param>
    private static async Task<Outcome> RunAsync(Scenario kind, string siteDirectory, Fault? fault, string? broken = null, bool failAfterCutover = false)
    {
        var hosts = Targets.ToDictionary(t => t.Name, t => kind == Scenario.FirstDeploy ? new ModelHost(t.Name) : ModelHost.Serving(t.Name, Old, Older));
        var executor = new ModelExecutor(hosts, fault);
        var cache = Directory.CreateTempSubdirectory("manifests-");
        var deployer = Deployer(hosts, executor, siteDirectory, cache.FullName, broken);
        var id = kind == Scenario.Rollback ? Older : deployer.Package(new DateTimeOffset(2026, 11, 22, 0, 0, 0, TimeSpan.Zero));
        Exception? error = null;
        try
        {
            if (kind == Scenario.Rollback)
            {
                await deployer.ChooseRollbackAsync(null);
            }

            await deployer.LockAsync(DeployLockHolder.ThisRun(id), 0);
            if (kind != Scenario.Rollback)
            {
                Uploaded(hosts, id);
            }

            await CutOverAsync(deployer, id);
            if (failAfterCutover)
            {
                throw new ReleaseException("a step after the cutover failed");
            }

            await deployer.FinishAsync();
        }
        catch (Exception exception)
        {
            error = exception;
            await deployer.AbandonAsync();
        }
        finally
        {
            cache.Delete(recursive: true);
        }

        return new Outcome(hosts, kind == Scenario.FirstDeploy ? null : Old, id, kind != Scenario.Rollback, error, executor.StepsPerCall);
    }
}
