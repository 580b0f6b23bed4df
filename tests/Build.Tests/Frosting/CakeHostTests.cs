using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Frosting;

public sealed class CakeHostTests
{
    private static (int ExitCode, string Output, List<string> Events) Run(params string[] args)
    {
        var console = new CapturingConsole();
        var recorder = new Recorder();
        var exitCode = new CakeHost()
            .UseContext<RecordingContext>()
            .UseLifetime<RecordingLifetime>()
            .AddAssembly(typeof(CakeHostTests).Assembly)
            .ConfigureServices(services =>
            {
                services.AddSingleton<IConsole>(console);
                services.AddSingleton(recorder);
            })
            .Run(args);
        return (exitCode, console.Text, recorder.Events);
    }

    [Test]
    public void RunsDependenciesInOrderBetweenSetupAndTeardown()
    {
        var (exitCode, output, events) = Run("--target=Default", "--flavour=vanilla");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(events, Is.EqualTo(new[] { "setup", "Restore", "Lint", "Compile", "Package:vanilla", "teardown" }));
        Assert.That(output, Does.Contain("Optional").And.Contain("Skipped"), "the task summary lists the skipped task");
    }

    [Test]
    public void DefaultTargetIsDefault()
    {
        var (exitCode, _, events) = Run();

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(events, Does.Contain("Package:"));
    }

    [TestCase("--dryrun")]
    [TestCase("--noop")]
    [TestCase("--whatif")]
    public void DryRunNamesTheTasksInOrderAndRunsNone(string flag)
    {
        var (exitCode, output, events) = Run("--target=Package", flag);

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(events, Is.Empty, "no task, setup or teardown ran");
        var restore = output.IndexOf("1. Restore", StringComparison.Ordinal);
        var lint = output.IndexOf("2. Lint", StringComparison.Ordinal);
        var compile = output.IndexOf("3. Compile", StringComparison.Ordinal);
        var package = output.IndexOf("4. Package", StringComparison.Ordinal);
        Assert.That(new[] { restore, lint, compile, package }, Is.All.GreaterThanOrEqualTo(0), output);
        Assert.That(new[] { restore, lint, compile, package }, Is.Ordered, output);
    }

    [Test]
    public void ExclusiveRunsOnlyTheTarget()
    {
        var (exitCode, _, events) = Run("--target=Package", "--exclusive");

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(events, Is.EqualTo(new[] { "setup", "Package:", "teardown" }));
    }

    [Test]
    public void TreeShowsTheDependencyTree()
    {
        var (exitCode, output, events) = Run("--target=Default", "--tree");

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(events, Is.Empty);
        Assert.That(output.Replace("\r", ""), Does.Contain(
            "Default\n" +
            "└── Package\n" +
            "    ├── Compile\n" +
            "    │   ├── Restore\n" +
            "    │   └── Lint\n" +
            "    └── Optional\n"));
    }

    [Test]
    public void DescriptionListsEveryTask()
    {
        var (exitCode, output, _) = Run("--description");

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output, Does.Match(@"Lint\s+Lints before compiling"));
        Assert.That(output, Does.Match(@"FailsPlain\s+Fails without handlers"));
    }

    [Test]
    public void UnknownTargetFailsAndListsTheTargets()
    {
        var (exitCode, output, events) = Run("--target=Nope");

        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("no task named 'Nope'").And.Contain("Compile, Default"));
    }

    [Test]
    public void FailingTaskWithHandlersCallsOnErrorAndFinallyAndExitsNonZero()
    {
        var (exitCode, output, events) = Run("--target=FailsHandled");

        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(events, Is.EqualTo(new[] { "setup", "Restore", "OnError:handled failure", "Finally", "teardown" }));
        Assert.That(output, Does.Match(@"FailsHandled\s+\S+\s+Failed"), "Cake's task summary shows the failure");
    }

    [Test]
    public void FailingTaskStopsTheGraphRunsTeardownAndExitsNonZero()
    {
        var (exitCode, output, events) = Run("--target=AfterFailure");

        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(events, Is.EqualTo(new[] { "setup", "teardown after failure" }));
        Assert.That(output, Does.Contain("plain failure"));
        Assert.That(output, Does.Match(@"FailsPlain\s+\S+\s+Failed"), "the summary is printed before exiting");
    }

    [TestCase("quiet", false, false)]
    [TestCase("normal", true, false)]
    [TestCase("diagnostic", true, true)]
    public void VerbosityFiltersTheLog(string verbosity, bool info, bool diagnostic)
    {
        var (exitCode, output, _) = Run("--target=Chatty", "--verbosity=" + verbosity);

        Assert.That(exitCode, Is.EqualTo(0));
        Assert.That(output.Contains("info line"), Is.EqualTo(info));
        Assert.That(output.Contains("diagnostic line"), Is.EqualTo(diagnostic));
    }

    [Test]
    public void BadOptionsAreRefusedBeforeAnythingRuns()
    {
        var (exitCode, output, events) = Run("--verbosity=loud", "stray");

        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("--verbosity takes quiet").And.Contain("Unexpected argument 'stray'"));
    }

    [Test]
    public void HelpAndVersionRunNothing()
    {
        var help = Run("--help");
        var version = Run("--version");

        Assert.That(help.ExitCode, Is.EqualTo(0));
        Assert.That(help.Output, Does.Contain("--dryrun").And.Contain("--exclusive"));
        Assert.That(version.ExitCode, Is.EqualTo(0));
        Assert.That(version.Output, Does.Contain("Cake.Core 7.0.0"));
        Assert.That(help.Events.Concat(version.Events), Is.Empty);
    }
}
