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

    [TestCase(0, false)]
    [TestCase(3, false)]
    [TestCase(0, true)]
    [TestCase(3, true)]
    public void A_script_sent_on_standard_input_keeps_its_output_exit_code_and_its_own_standard_input_in_a_real_shell(int exitCode, bool streams)
    {
        // Longer than the kernel's 128 KiB limit for one argument, and with a non-ASCII character (bytes, not characters, are counted).
        var script = "set -eu\n" + string.Concat(Enumerable.Repeat(": 'padding, café, to pass 128 KiB'\n", 5000))
            + string.Format(System.Globalization.CultureInfo.InvariantCulture, "read -r line\nprintf 'got %s\\n' \"$line\"\necho 'a ~ tilde'; echo \"it's\"\necho oops >&2\nexit {0}\n", exitCode);
        var bytes = System.Text.Encoding.UTF8.GetBytes(script);
        Assert.That(bytes.Length, Is.GreaterThan(128 * 1024));
        var psi = new System.Diagnostics.ProcessStartInfo("/bin/sh", ["-c", Shell.ScriptFromStandardInput(bytes.Length, streams)])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(psi)!;
        process.StandardInput.BaseStream.Write(bytes);
        process.StandardInput.Write("input line\n");
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();

        Assert.That((output, error, process.ExitCode), Is.EqualTo(("got input line\na ~ tilde\nit's\n", "oops\n", exitCode)));
    }

    [Test]
    public void Commands_run_as_root_by_sh_and_through_non_interactive_sudo_for_other_logins()
    {
        Assert.That(Shell.AsRoot("id -u", isRoot: true), Is.EqualTo("sh -c 'id -u'"), "sh, not the login's shell");
        Assert.That(Shell.AsRoot("echo 'a'", isRoot: false), Is.EqualTo("sudo -n sh -c 'echo '\\''a'\\'''"));
    }

    [Test]
    public void A_script_under_a_host_timeout_is_ended_there_when_it_runs_past_it()
    {
        var line = Shell.AsRoot("sleep 5; echo finished", isRoot: true, TimeSpan.FromSeconds(0.5));
        Assert.That(line, Is.EqualTo("timeout -k 10 1 sh -c 'sleep 5; echo finished'"), "whole seconds, rounded up");

        var clock = System.Diagnostics.Stopwatch.StartNew();
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("sh", ["-c", line]) { RedirectStandardOutput = true })!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.That((process.ExitCode, output), Is.EqualTo((124, "")), "timeout's exit code; the script never finished");
        Assert.That(clock.Elapsed, Is.LessThan(TimeSpan.FromSeconds(4)));
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
