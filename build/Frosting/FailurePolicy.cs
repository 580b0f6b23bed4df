// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;

namespace Cake.Frosting;

/// <summary>
/// One error policy for the run: an expected failure (Cake's, or one the application's
/// <see cref="IFailureDescriber"/> knows) is one line saying what to do; anything else is named a bug.
/// The stack trace is written only at diagnostic verbosity. The exit code is 1, or an <see cref="ExitCodeException"/>'s.
/// </summary>
internal sealed class FailurePolicy(ICakeLog log, IFailureDescriber? describer, RunSignals signals)
{
    private (string Task, string Reason)? _skipped;

    /// <summary>Remembers the last task its criteria skipped, so that a skipped target is explained by its reason.</summary>
    public void Skipped(string task, string reason)
    {
        _skipped = (task, reason);
        log.Verbose("{0} skipped: {1}", task, reason);
    }

    public int Report(Exception exception)
    {
        var failure = Unwrap(exception);
        if (failure is CakeException && _skipped is { } skipped && failure.Message.Contains($"'{skipped.Task}'", StringComparison.Ordinal))
        {
            log.Error("Error: {0} did not run: {1}.", skipped.Task, skipped.Reason);
        }
        else if (failure is OperationCanceledException && signals.Signal is { } signal)
        {
            log.Error("Error: stopped by {0}.", signal);
        }
        else if (Describe(failure) is { } described)
        {
            log.Error("Error: {0}", described);
        }
        else
        {
            log.Error("Error: unexpected {0}: {1}", failure.GetType().Name, failure.Message);
            log.Error("This is a bug in the suite, not in what you asked: run again with --verbosity=diagnostic for the stack trace and report it.");
        }

        log.Debug(failure.ToString());
        return failure is ExitCodeException { ExitCode: > 0 } passed ? passed.ExitCode : ExitCodes.Failure;
    }

    private string? Describe(Exception failure) =>
        describer?.Describe(failure) ?? (failure is CakeException or ExitCodeException ? failure.Message : null);

    private static Exception Unwrap(Exception exception) =>
        exception is CakeReportException or AggregateException or TargetInvocationException && exception.InnerException is not null
            ? Unwrap(exception.InnerException!)
            : exception;
}
