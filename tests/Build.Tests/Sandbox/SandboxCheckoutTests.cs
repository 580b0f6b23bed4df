using System.Diagnostics;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>
/// The sandbox works from any checkout: a copy of this working tree (uncommitted files included) in a
/// 0700 folder, as a clone in root's home is, brought up and down by the real program, ./build.sh.
/// Its base images are hard links of this checkout's (built first if missing), so that no second base
/// is built: the hosts only ever read them, as overlay lower layers. The folder sits under artifacts/. Like every sandbox fixture, it
/// takes the sandbox down first and leaves it down.
/// </summary>
[Category("Integration")]
[NonParallelizable]
public sealed class SandboxCheckoutTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    [Test]
    public void A_checkout_in_a_0700_folder_brings_the_sandbox_up_and_down_with_build_sh()
    {
        var (settings, secrets) = SandboxHosts.LoadSettings();
        var own = SandboxHosts.For(settings, secrets);
        own.Down();
        if (!Directory.Exists(own.Layout.Base) || !Directory.Exists(own.Layout.DatabaseLayer))
        {
            own.Up();
            own.Down();
        }

        // Closed to every other user, as root's home is, and beside this checkout's base so that hard links work.
        var folder = Path.Combine(SandboxHosts.RepositoryRoot, "artifacts", "checkout-" + Path.GetRandomFileName());
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var checkout = Path.Combine(folder, "repo");
        var clone = new LocalSandbox(settings, secrets, checkout, TestContext.Progress.WriteLine, _ => { });
        try
        {
            CopyWorkingTree(SandboxHosts.RepositoryRoot, checkout);
            Directory.CreateDirectory(clone.Layout.StateDirectory);
            Run("cp", "-al", own.Layout.Base, clone.Layout.Base);
            Run("cp", "-al", own.Layout.DatabaseLayer, clone.Layout.DatabaseLayer);

            var (upCode, up) = BuildSh(checkout, "--target=SandboxUp");
            Assert.That(upCode, Is.Zero, up);
            var (statusCode, status) = BuildSh(checkout, "--target=SandboxStatus");
            Assert.That(statusCode, Is.Zero, status);
            foreach (var host in clone.Addresses.Hosts)
            {
                Assert.That(status, Does.Contain($"{host.Name} {host.Address} running"));
            }

            // apt on a host through the proxy, which reads its configuration from /run, not from the closed checkout.
            var web1 = clone.Addresses["web1"];
            var apt = clone.Ssh(web1, "apt-get update -q");
            Assert.That(apt.ExitCode, Is.Zero, apt.Error);
            Assert.That(File.Exists(clone.Layout.ProxyConfigurationFile), Is.True);
            Assert.That(clone.Claim, Is.EqualTo(new SandboxClaim(checkout, clone.Layout.StateDirectory, settings.Sandbox.Subnet)));

            // Another checkout (this one) is refused, told where the sandbox is up and what to run there; the clone's hosts keep running.
            foreach (var action in new Action[] { () => own.Up(), own.Down })
            {
                var refused = Assert.Throws<SandboxException>(() => action());
                Assert.That(refused!.Message, Does.Contain($"another checkout, {checkout}").And.Contain($"cd '{checkout}' && ./build.sh --target=SandboxDown"));
            }

            Assert.That(clone.IsRunning("web1"), Is.True);

            var (downCode, down) = BuildSh(checkout, "--target=SandboxDown");
            Assert.That(downCode, Is.Zero, down);
            Assert.That(SandboxHosts.Leftovers(clone), Is.Empty);
            Assert.That(new FileInfo(Path.Combine(own.Layout.Base, "etc/os-release")).Exists, Is.True, "the seeded base is still this checkout's");
        }
        finally
        {
            if (clone.Claim?.IsHeldBy(clone.Layout) == true)
            {
                BuildSh(checkout, "--target=SandboxDown");
            }

            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>The files git would commit, tracked or not, as they are now: this code, not the last commit's.</summary>
    private static void CopyWorkingTree(string from, string to)
    {
        var files = Run("git", "-C", from, "ls-files", "-z", "--cached", "--others", "--exclude-standard").Split('\0', StringSplitOptions.RemoveEmptyEntries);
        foreach (var file in files.Where(f => File.Exists(Path.Combine(from, f))))
        {
            var target = Path.Combine(to, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(from, file), target);
        }
    }

    private static (int ExitCode, string Output) BuildSh(string checkout, string target)
    {
        var start = new ProcessStartInfo("bash", ["./build.sh", target]) { WorkingDirectory = checkout, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(Timeout))
        {
            process.Kill(entireProcessTree: true);
        }

        process.WaitForExit();
        // Without its colours (Cake colours its log even when it goes to a pipe).
        var text = System.Text.RegularExpressions.Regex.Replace(output.Result + error.Result, "\u001b\\[[0-9;]*m", "");
        TestContext.Progress.WriteLine($"./build.sh {target}: exit {process.ExitCode}\n{text}");
        return (process.ExitCode, text);
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"{program} {string.Join(' ', args)}: {error.Result}");
        return output.Result;
    }
}
