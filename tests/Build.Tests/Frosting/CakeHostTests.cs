using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Frosting;

public sealed class CakeHostTests
{
    private static (int ExitCode, string Output, List<string> Events) Run(params string[] args) => RunWith(_ => { }, args);

    private static (int ExitCode, string Output, List<string> Events) RunWith(Action<IServiceCollection> services, params string[] args)
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
            .ConfigureServices(services)
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

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
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

    [Test]
    public void A_signal_lets_the_running_task_finish_starts_no_other_and_exits_128_plus_its_number()
    {
        var (exitCode, output, events) = Run("--target=AfterSignal");

        Assert.That(exitCode, Is.EqualTo(143), output);
        Assert.That(events, Is.EqualTo(new[] { "setup", "Signalled", "Signalled finally", "teardown after failure" }), "the next task never started");
        Assert.That(output, Does.Contain("SIGTERM: stopping at the next safe point").And.Contain("Error: stopped by SIGTERM."));
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

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
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

    [Test]
    public void AnOptionOfATaskTheTargetRunsApplies()
    {
        var (exitCode, output, events) = Run("--target=Default", "--flavour=mint");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(events, Does.Contain("Package:mint"));
    }

    [Test]
    public void AnOptionOfATaskTheTargetDoesNotRunIsRefusedNamingItsTasks()
    {
        var (exitCode, output, events) = Run("--target=Lint", "--flavour=mint");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("--flavour applies to Package, FailsPlain and the targets that run them, not to Lint."));
    }

    [Test]
    public void AnUnknownOptionIsRefusedBeforeAnythingRuns()
    {
        var (exitCode, output, events) = Run("--target=Package", "--flavor=mint");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("Unknown option --flavor: did you mean --flavour?"));
    }

    [Test]
    public void WithoutConfigurationKeysEverySettingOverrideIsRefused()
    {
        var (exitCode, output, events) = Run("--site_domain=example.org");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("Unknown option --site_domain"));
    }

    [Test]
    public void CakesOwnConfigurationKeysAreAllowed()
    {
        var (exitCode, output, _) = Run("--target=Restore", "--paths_tools=./tools", "--settings_skipverification=true");

        Assert.That(exitCode, Is.EqualTo(0), output);
    }

    [Test]
    public void UnderCheckTasksRunInTheirCheckModeAndTheOthersSayWhatTheyWouldDo()
    {
        var (exitCode, output, events) = Run("--target=Compile", "--check");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(events, Is.EqualTo(new[] { "setup", "Restore", "Lint:check", "teardown" }));
        Assert.That(output, Does.Contain("Compile does not run under --check; it would: Compiles"));
    }

    [Test]
    public void UnderCheckATargetWithATaskThatCannotBeCheckedIsRefusedBeforeAnythingRuns()
    {
        var (exitCode, output, events) = Run("--target=Package", "--check");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("--check: Package cannot run without changing anything: Optional, Package change things and have no check mode."));
        Assert.That(output, Does.Contain("check one of: Compile, Lint, Restore."));
    }

    [Test]
    public void ATargetSkippedByItsCriteriaSaysWhy()
    {
        var (exitCode, output, events) = Run("--target=Optional");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(events, Is.EqualTo(new[] { "setup", "teardown after failure" }));
        Assert.That(output, Does.Contain("Error: Optional did not run: Optional is never wanted here."));
        Assert.That(output, Does.Not.Contain("criteria"));
    }

    [Test]
    public void AnUnexpectedFailureIsCalledABugWithItsStackTraceOnlyAtDiagnostic()
    {
        var normal = Run("--target=FailsPlain");
        var diagnostic = Run("--target=FailsPlain", "--verbosity=diagnostic");

        Assert.That(normal.ExitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(normal.Output, Does.Contain("Error: unexpected InvalidOperationException: plain failure").And.Contain("This is a bug"));
        Assert.That(normal.Output, Does.Not.Contain("   at "), "no stack trace at normal verbosity");
        Assert.That(diagnostic.Output, Does.Contain("   at CoralNet.Deploy.Tests.Frosting.FailsPlainTask.Run"));
    }

    [Test]
    public void AnExpectedFailureIsOneLineSayingWhatToDo()
    {
        var (exitCode, output, _) = RunWith(services => services.AddSingleton<IFailureDescriber>(new Describer()), "--target=FailsPlain");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.Failure));
        Assert.That(output, Does.Contain("Error: plain failure: do the other thing"));
        Assert.That(output, Does.Not.Contain("bug").And.Not.Contain("   at "));
    }

    private sealed class Describer : IFailureDescriber
    {
        public string? Describe(Exception failure) => failure is InvalidOperationException ? failure.Message + ": do the other thing" : null;
    }

    [Test]
    public void AMissingWorkingDirectoryIsOneUsageError()
    {
        var (exitCode, output, events) = Run("--working=/nonexistent/folder");

        Assert.That(exitCode, Is.EqualTo(ExitCodes.UsageError));
        Assert.That(events, Is.Empty);
        Assert.That(output, Does.Contain("--working=/nonexistent/folder: there is no such directory"));
        Assert.That(output, Does.Not.Contain("   at "));
    }

    [Test]
    public void HelpListsEveryOptionWithTheTargetsOfTaskOptionsAndTheExitCodes()
    {
        var (exitCode, output, _) = Run("--help");

        Assert.That(exitCode, Is.EqualTo(0));
        foreach (var option in new[] { "--target=NAME", "--dryrun", "--check", "--tree", "--description", "--exclusive", "--verbosity=quiet|minimal|normal|verbose|diagnostic", "--color=auto|always|never", "--format=text|json", "--working=DIR", "--help", "--version" })
        {
            Assert.That(output, Does.Contain(option));
        }

        Assert.That(output, Does.Match(@"--flavour=TASTE\s+what the package tastes of \[Package, FailsPlain\]"));
        Assert.That(output, Does.Contain("Exit codes: 0 done; 1 failed"));
    }

    [Test]
    public void DescriptionShowsEachTasksOwnOptionsUnderIt()
    {
        var (_, output, _) = Run("--description");

        Assert.That(output.Replace("\r", ""), Does.Match(@"Package\s+Packages\n\s+--flavour=TASTE  what the package tastes of\n"));
    }
}
