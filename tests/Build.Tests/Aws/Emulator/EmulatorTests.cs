namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>A test class against the run's emulator: each test gets it wiped, and a repository of the emulator environment.</summary>
[NonParallelizable]
public abstract class EmulatorTests
{
    private EmulatorRun? _run;

    protected EmulatorRun Run => _run!;

    [SetUp]
    public void StartRun() => _run = new EmulatorRun(MotoServer.Fresh());

    [TearDown]
    public void EndRun() => _run?.Dispose();
}
