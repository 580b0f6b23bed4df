using Cake.Core;
using Cake.Core.Diagnostics;

namespace CoralNet.Deploy.Output;

/// <summary>
/// Cake's task and setup/teardown banners and closing task summary, at verbose and diagnostic only: at the default
/// verbosity a run prints one line per task that changed something, then its result and recap.
/// </summary>
public sealed class StepsAtVerbose(ICakeReportPrinter inner, ICakeLog log) : ICakeReportPrinter
{
    public void Write(CakeReport report)
    {
        if (log.Verbosity >= Verbosity.Verbose)
        {
            inner.Write(report);
        }
    }

    public void WriteStep(string name, Verbosity verbosity)
    {
        if (verbosity >= Verbosity.Verbose)
        {
            inner.WriteStep(name, verbosity);
        }
    }

    public void WriteLifeCycleStep(string name, Verbosity verbosity)
    {
        if (verbosity >= Verbosity.Verbose)
        {
            inner.WriteLifeCycleStep(name, verbosity);
        }
    }

    public void WriteSkippedStep(string name, Verbosity verbosity) => inner.WriteSkippedStep(name, verbosity);
}
