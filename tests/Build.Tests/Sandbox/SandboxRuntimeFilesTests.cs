using System.Net;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>What a non-root service of the sandbox opens lives under /run, never in the checkout (which may be a 0700 home).</summary>
public sealed class SandboxRuntimeFilesTests
{
    private static readonly SandboxLayout Layout = new("/root/checkout/.sandbox", "/root/checkout/.sandbox/id_ed25519", "/root/checkout/.sandbox/known_hosts");

    [Test]
    public void The_proxy_configuration_pid_file_and_socket_are_under_run_whatever_the_checkout()
    {
        var configuration = ProxyConfiguration.Render([new AptSource("http://mirror.invalid/debian", ["bookworm"], ["main"])], IPAddress.Parse("10.213.0.1"), Layout);

        Assert.That(Layout.ProxyDirectory, Is.EqualTo("/run/coralnet-sandbox/proxy"));
        Assert.That(Layout.ProxyConfigurationFile, Is.EqualTo("/run/coralnet-sandbox/proxy/acng.conf"));
        Assert.That(configuration, Does.Contain("\nPidFile: /run/coralnet-sandbox/proxy/run/pid\n"));
        Assert.That(configuration, Does.Contain("\nSocketPath: /run/coralnet-sandbox/proxy/run/socket\n"));
        Assert.That(configuration, Does.Contain("\nCacheDir: /var/cache/apt-cacher-ng\n").And.Contain("\nLogDir: /var/log/apt-cacher-ng\n"));
        Assert.That(configuration, Does.Not.Contain("/root/checkout"));
        Assert.That(configuration, Does.Not.Contain("{{"));
    }

    [Test]
    public void The_proxy_is_started_as_its_own_user_from_its_run_folder_and_outside_the_checkout()
    {
        var command = SandboxCommands.Detached(Layout.ProxyLog, SandboxCommands.Proxy(Layout.ProxyDirectory));

        Assert.That(command.Arguments[3], Does.Contain("cd / && exec \"$@\""));
        Assert.That(command.Arguments.SkipWhile(a => a != "runuser"), Is.EqualTo(new[]
        {
            "runuser", "-u", "apt-cacher-ng", "--", "/usr/sbin/apt-cacher-ng", "-c", "/run/coralnet-sandbox/proxy",
        }));
        // The log is opened by root's shell before runuser: the proxy's user never opens anything in the checkout.
        Assert.That(Layout.ProxyLog, Is.EqualTo("/root/checkout/.sandbox/proxy.log"));
    }

    [Test]
    public void The_claim_names_the_checkout_holding_the_sandbox_and_refuses_a_second_one()
    {
        var runtime = Directory.CreateTempSubdirectory("claim-").FullName;
        try
        {
            var layout = new SandboxLayout("/root/a/.sandbox", "/root/a/.sandbox/id_ed25519", "/root/a/.sandbox/known_hosts", runtime);
            var other = new SandboxLayout("/root/b/.sandbox", "/root/b/.sandbox/id_ed25519", "/root/b/.sandbox/known_hosts", runtime);
            var claim = new SandboxClaim("/root/a", layout.StateDirectory, "10.213.0.0/24");

            Assert.That(claim.TryWrite(layout.ClaimRecord), Is.True);
            Assert.That(new SandboxClaim("/root/b", other.StateDirectory, "10.213.0.0/24").TryWrite(other.ClaimRecord), Is.False, "one claim per machine");

            var read = SandboxClaim.Read(layout.ClaimRecord);
            Assert.That(read, Is.EqualTo(claim));
            Assert.That(read!.IsHeldBy(layout), Is.True);
            Assert.That(read.IsHeldBy(other), Is.False);
            Assert.That(read.HeldElsewhere("/root/b"), Does.Contain("another checkout, /root/a").And.Contain("not from /root/b")
                .And.EndWith("take it down there first with: cd '/root/a' && ./build.sh --target=SandboxDown"));
            Assert.That(SandboxClaim.Read(Path.Combine(runtime, "none")), Is.Null);
        }
        finally
        {
            Directory.Delete(runtime, recursive: true);
        }
    }

    [Test]
    public void The_command_to_take_another_checkouts_sandbox_down_names_a_state_folder_other_than_the_default()
    {
        Assert.That(new SandboxClaim("/srv/co", "/srv/co/.sandbox", "10.213.0.0/24").DownCommand, Is.EqualTo("cd '/srv/co' && ./build.sh --target=SandboxDown"));
        Assert.That(new SandboxClaim("/srv/co", "/var/tmp/sbx", "10.213.0.0/24").DownCommand,
            Is.EqualTo("cd '/srv/co' && ./build.sh --target=SandboxDown --sandbox_statedirectory='/var/tmp/sbx'"));
    }

    [Test]
    public void A_failed_run_undoes_what_it_made_newest_first_and_goes_on_past_an_undo_that_fails()
    {
        var undone = new List<string>();
        var undo = new UndoLog();
        undo.Add("folder", () => undone.Add("folder"));
        undo.Add("bridge", () => throw new SandboxException("busy"));
        undo.Add("proxy", () => undone.Add("proxy"));

        Assert.That(undo.Made, Is.EqualTo(new[] { "proxy", "bridge", "folder" }));
        var failed = undo.UndoAll();

        Assert.That(undone, Is.EqualTo(new[] { "proxy", "folder" }));
        Assert.That(failed, Is.EqualTo(new[] { "bridge (busy)" }));
        Assert.That(undo.UndoAll(), Is.Empty, "each thing is undone once");
        Assert.That(undone, Has.Count.EqualTo(2));
    }
}
