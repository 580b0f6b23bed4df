using System.Diagnostics;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

/// <summary>Background programs as the image builder runs them, with real processes (sleep stands in for the service).</summary>
public sealed class LocalServiceTests
{
    private static readonly LocalRunner Runner = new(_ => { });
    private TempDirectory _folder = null!;
    private string _marker = "";

    private string PidFile => Path.Combine(_folder.Path, "service.pid");

    [SetUp]
    public void SetUp()
    {
        _folder = new TempDirectory();
        _marker = "sleep " + Random.Shared.Next(100_000, 999_999);
    }

    [TearDown]
    public void TearDown()
    {
        TempDirectory.RunSh($"pkill -KILL -f -x '{_marker}'");
        _folder.Dispose();
    }

    [Test]
    public void A_service_left_by_a_killed_run_is_stopped_and_replaced_and_nothing_is_left_after()
    {
        // The run that started the service dies by SIGKILL: its service and both files stay behind.
        using var run = Process.Start("sleep", "60");
        Service(Answering).Start();
        var leftover = MachineState.LivePid(PidFile, _marker)!.Value;
        RunOwner.Of(run.Id)!.Write(PidFile + ".owner");
        run.Kill();
        run.WaitForExit();

        var next = Service(Answering);
        Assert.That(next.Adopt(), Is.False, "a dead run's service is not adopted");
        Assert.That(MachineState.IsAlive(leftover), Is.False, "and it is stopped");

        next.Start();
        Assert.That(Service(Answering).Adopt(), Is.True, "a live run's service is shared");
        next.StopIfStarted();
        Assert.That(TempDirectory.RunSh($"pgrep -f -x '{_marker}'").Code, Is.EqualTo(1), "nothing is left running");
    }

    [Test]
    public void A_live_run_s_service_that_does_not_answer_as_needed_is_stopped_not_adopted()
    {
        Service(Answering).Start();
        var other = MachineState.LivePid(PidFile, _marker)!.Value;

        Assert.That(Service(() => false).Adopt(), Is.False);
        Assert.That(MachineState.IsAlive(other), Is.False);
    }

    [Test]
    public void A_program_that_exits_at_once_is_reported_with_what_it_said()
    {
        var failing = new LocalService("the test's program", new LocalCommand("sh", "-c", "echo $$ > \"$1\"; echo 'bad configuration' >&2; exit 3", "sh", PidFile),
            PidFile, _marker, Path.Combine(_folder.Path, "log"), () => false, Runner);

        var failure = Assert.Throws<ContainerException>(failing.Start)!;

        Assert.That(failure.Message, Does.StartWith("the test's program exited at once").And.Contain("bad configuration"));
    }

    [Test]
    public void A_process_that_exited_counts_as_gone_before_its_parent_reaps_it()
    {
        // The child of sh exits at once; sh, replaced by sleep, never reaps it: a zombie until sleep ends.
        using var parent = Process.Start(new ProcessStartInfo("sh", ["-c", "sleep 0 & echo $!; exec " + _marker]) { RedirectStandardOutput = true })!;
        var child = int.Parse(parent.StandardOutput.ReadLine()!, System.Globalization.CultureInfo.InvariantCulture);
        Thread.Sleep(300);

        Assert.That((Directory.Exists($"/proc/{child}"), MachineState.IsAlive(child), MachineState.IsAlive(parent.Id)), Is.EqualTo((true, false, true)));
    }

    /// <summary>The wrapper has exec'd the service: before that its own command line holds the marker too, and across the exec it reads empty.</summary>
    private bool Answering() =>
        MachineState.LivePid(PidFile, _marker) is { } pid && File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim() == _marker;

    private LocalService Service(Func<bool> answers) => new(
        "the test's service", new LocalCommand("sh", "-c", "echo $$ > \"$1\"; exec " + _marker, "sh", PidFile), PidFile, _marker,
        Path.Combine(_folder.Path, "log"), answers, Runner);
}
