using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Settings;

/// <summary>Settings come from the environment file, then cake.config, then CAKE_* variables, then arguments.</summary>
[NonParallelizable]
public sealed class ConfigurationPrecedenceTests
{
    [TearDown]
    public void ClearVariables()
    {
        Environment.SetEnvironmentVariable("CAKE_SITE_NAME", null);
        Environment.SetEnvironmentVariable("CAKE_SITE_WORKERS", null);
    }

    [Test]
    public void LaterSourcesWin()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox().WithCakeConfig("""
            [Site]
            Domain=from-file.example.org
            Name=fromfile
            Workers=3
            KeepReleases=7
            """);
        Environment.SetEnvironmentVariable("CAKE_SITE_NAME", "fromenv");
        Environment.SetEnvironmentVariable("CAKE_SITE_WORKERS", "8");

        var (exitCode, output) = SuiteRun.Run(repository.Root, "--target=ShowSettings", "--site_workers=9");

        Assert.That(exitCode, Is.EqualTo(0), output);
        Assert.That(output, Does.Contain("Site.Domain = from-file.example.org"), "cake.config beats the environment file");
        Assert.That(output, Does.Contain("Site.KeepReleases = 7"));
        Assert.That(output, Does.Contain("Site.Name = fromenv"), "CAKE_* variables beat cake.config");
        Assert.That(output, Does.Contain("Site.Workers = 9"), "arguments beat CAKE_* variables");
        Assert.That(output, Does.Contain("Sandbox.Subnet = 10.213.0.0/24"), "untouched values come from the environment file");
    }

    [Test]
    public void InvalidSettingsStopTheRunBeforeAnyTask()
    {
        using var repository = new TemporaryRepository().WithShippedSandbox();

        var (exitCode, output) = SuiteRun.Run(repository.Root, "--target=ShowSettings", "--site_workers=lots", "--ssh_port=0");

        Assert.That(exitCode, Is.Not.EqualTo(0));
        Assert.That(output, Does.Contain("Site.Workers: 'lots' is not a whole number").And.Contain("Ssh.Port: 0 is outside 1..65535"));
        Assert.That(output, Does.Not.Contain("Site.Name = coralnet"), "the task did not run");
    }
}
