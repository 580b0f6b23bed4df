using System.Diagnostics;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>What the emulator tests say on a machine whose python3 cannot run moto's server.</summary>
public sealed class MotoServerTests
{
    private string _bin = "";

    [SetUp]
    public void MakeBin() => _bin = Directory.CreateTempSubdirectory("python-without-moto-").FullName;

    [TearDown]
    public void RemoveBin() => Directory.Delete(_bin, recursive: true);

    [Test]
    public void A_python3_without_moto_fails_the_tests_with_the_command_that_installs_it()
    {
        // This machine's python3 without its site-packages (-S), where moto and flask are installed: a python3 lacking moto.
        var python = Interpreter();
        var withoutMoto = Path.Combine(_bin, "python3");
        File.WriteAllText(withoutMoto, $"#!/bin/sh\nexec '{python}' -S \"$@\"\n");
        File.SetUnixFileMode(withoutMoto, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        Assert.That(MotoServer.Missing(python), Is.Null, "this machine's python3 runs moto's server");
        Assert.That(MotoServer.Missing(withoutMoto), Is.EqualTo(
            "The AWS emulator tests need moto's server in the python3 on PATH (Debian 12 has no package for it): python3 -m pip install 'moto[server]==5.2.1'"));
        Assert.That(MotoServer.Missing(Path.Combine(_bin, "no-python3-here")), Does.EndWith(MotoServer.InstallCommand), "no python3 at all");
    }

    private static string Interpreter()
    {
        var start = new ProcessStartInfo("python3", ["-c", "import sys; print(sys.executable)"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var path = process.StandardOutput.ReadToEnd().Trim();
        process.WaitForExit();
        return path;
    }
}
