using CoralNet.Deploy.Release;
using static CoralNet.Deploy.Tests.Release.ModelSite;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>The Lock target's hold on the model hosts: on every host, or, when one refuses or drops, on none.</summary>
public sealed class HeldLockTests
{
    private static readonly DeployLockHolder Holder = DeployLockHolder.ThisRun("none", "database upgrade");

    [Test]
    public async Task The_lock_is_held_on_every_host()
    {
        var hosts = Targets.ToDictionary(t => t.Name, t => new ModelHost(t.Name));
        await new HeldLock(new ModelExecutor(hosts), new OperatorCommands(Site)).HoldAsync(Targets, Holder);

        Assert.That(hosts.Values.Select(h => h.Locked), Is.All.True);
    }

    [Test]
    public void A_host_another_run_holds_refuses_and_the_lock_taken_on_the_other_is_given_back()
    {
        var hosts = Targets.ToDictionary(t => t.Name, t => new ModelHost(t.Name));
        hosts["web2"].Locked = true;

        var error = Assert.ThrowsAsync<ReleaseException>(() => new HeldLock(new ModelExecutor(hosts), new OperatorCommands(Site)).HoldAsync(Targets, Holder));

        Assert.That(error!.Message, Does.StartWith("web2: ").And.Contain("The lock taken meanwhile was given back on web1"));
        Assert.That(hosts["web1"].Locked, Is.False);
        Assert.That(hosts["web2"].Locked, Is.True, "the other run's lock stays");
    }

    [Test]
    public void A_host_whose_answer_is_lost_after_it_took_the_lock_gives_it_back_as_the_other_does()
    {
        var hosts = Targets.ToDictionary(t => t.Name, t => new ModelHost(t.Name));

        // web2's command took effect (its one step applied), then the connection dropped before the answer.
        var error = Assert.ThrowsAsync<ReleaseException>(() =>
            new HeldLock(new ModelExecutor(hosts, new Fault(1, 1, FaultKind.DroppedConnection)), new OperatorCommands(Site)).HoldAsync(Targets, Holder));

        Assert.That(error!.Message, Does.Contain("web2: injected: the connection dropped").And.Contain("given back on web1, web2"));
        Assert.That(hosts.Values.Select(h => h.Locked), Is.All.False);
    }
}
