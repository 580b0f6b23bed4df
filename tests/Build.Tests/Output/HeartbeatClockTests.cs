using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Output;
using Microsoft.Extensions.Time.Testing;

namespace CoralNet.Deploy.Tests.Output;

/// <summary>The heartbeat and the AWS waiter on a fake clock: a sign of life at least every 10 s, with the elapsed time and the latest state.</summary>
public sealed class HeartbeatClockTests
{
    private sealed class Lines : IAwsLog
    {
        public List<(TimeSpan At, string Line)> Said { get; } = [];

        public FakeTimeProvider Clock { get; } = new();

        private readonly DateTimeOffset _start;

        public Lines() => _start = Clock.GetUtcNow();

        public void Information(string message) => Said.Add((Clock.GetUtcNow() - _start, message));

        public void Warning(string message) => Information(message);

        public void Verbose(string message)
        {
        }

        /// <summary>Moves the clock second by second: the fake clock runs a timer's callback at the end of one advance, so big steps would blur when it fired.</summary>
        public void Pass(TimeSpan time)
        {
            for (var i = 0; i < (int)time.TotalSeconds; i++)
            {
                Clock.Advance(TimeSpan.FromSeconds(1));
            }
        }
    }

    [Test]
    public void A_heartbeat_beats_every_interval_with_the_latest_line_masked_and_stops_when_disposed()
    {
        var lines = new Lines();
        using (var heartbeat = new Heartbeat("web1: apt-get update", lines.Information, text => text.Replace("s3cret", "***"), lines.Clock))
        {
            lines.Clock.Advance(TimeSpan.FromSeconds(4));
            Assert.That(lines.Said, Is.Empty, "a step done within 10 s says nothing");
            heartbeat.Observe("Get:1 http://deb s3cret InRelease");
            heartbeat.Observe("   ");
            lines.Clock.Advance(TimeSpan.FromSeconds(6));
            heartbeat.Observe("Get:2 second");
            lines.Clock.Advance(TimeSpan.FromSeconds(10));
        }

        lines.Clock.Advance(TimeSpan.FromSeconds(30));

        Assert.That(lines.Said.Select(s => s.Line), Is.EqualTo(new[]
        {
            "web1: apt-get update: still running, 0m10s elapsed; last output: Get:1 http://deb *** InRelease",
            "web1: apt-get update: still running, 0m20s elapsed; last output: Get:2 second",
        }));
    }

    [Test]
    public async Task An_AWS_wait_of_slow_polls_says_something_at_least_every_10_seconds()
    {
        var lines = new Lines();
        var polls = 0;
        // Each poll takes 7 s of the clock and sees the same state until the 6th: 6 polls and 5 pauses of 10 s, 92 s.
        var options = new WaitOptions(TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(10), (delay, _) =>
        {
            lines.Pass(delay);
            return Task.CompletedTask;
        }, lines.Clock);

        var value = await Waiter.UntilAsync("database x", _ =>
        {
            lines.Pass(TimeSpan.FromSeconds(7));
            polls++;
            return Task.FromResult((polls == 6, polls == 6 ? "available" : "creating", 42));
        }, options, lines, CancellationToken.None);

        TestContext.Out.WriteLine(string.Join("\n", lines.Said.Select(s => $"{s.At.TotalSeconds,5:0} {s.Line}")));
        Assert.That(value, Is.EqualTo(42));
        var times = lines.Said.Select(s => s.At).Prepend(TimeSpan.Zero).ToList();
        Assert.That(times.Zip(times.Skip(1), (a, b) => b - a), Has.All.LessThanOrEqualTo(TimeSpan.FromSeconds(10)));
        Assert.That(lines.Said.Select(s => s.Line), Has.Some.Match(@"^database x: still running, 0m[1-9]0s elapsed; last output: state 'creating'$"));
        Assert.That(lines.Said.Count(s => s.Line.StartsWith("database x: creating (", StringComparison.Ordinal)), Is.EqualTo(1), "an unchanged state is said once; the heartbeat fills the gaps");
        Assert.That(lines.Said[^1].Line, Is.EqualTo("database x: available after 1m32s."));
    }
}
