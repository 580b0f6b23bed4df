using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

public class CommandTests
{
    [Test]
    public void Quoting_survives_a_real_shell()
    {
        const string value = "it's $HOME `id` \"x\" \\ ;";
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", "printf %s " + Shell.Quote(value)]) { RedirectStandardOutput = true };
        using var process = System.Diagnostics.Process.Start(psi)!;
        Assert.That(process.StandardOutput.ReadToEnd(), Is.EqualTo(value));
    }

    [Test]
    public void Commands_run_as_root_go_through_non_interactive_sudo_for_other_logins()
    {
        Assert.That(Shell.AsRoot("id -u", isRoot: true), Is.EqualTo("id -u"));
        Assert.That(Shell.AsRoot("echo 'a'", isRoot: false), Is.EqualTo("sudo -n sh -c 'echo '\\''a'\\'''"));
    }

    [Test]
    public void A_failure_names_host_command_exit_code_and_the_tail_of_stderr()
    {
        var stderr = string.Join("\n", Enumerable.Range(1, 30).Select(i => $"line {i}"));
        var error = new RemoteCommandException("web1", "apt-get install nginx", 100, stderr);
        Assert.That(error.Message, Does.StartWith("web1: command failed with exit code 100: apt-get install nginx"));
        Assert.That(error.Message, Does.Contain("line 30").And.Contain("line 11").And.Not.Contain("line 10\n"));
    }
}
