using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

public sealed class LocalRunnerTests
{
    [Test]
    public void Standard_input_reaches_the_command_and_the_log_shows_only_the_command()
    {
        var logged = new List<string>();
        var runner = new LocalRunner(logged.Add);

        var output = runner.Run(new LocalCommand("sh", "-c", "read -r line; echo \"got $line\"") { Input = "private-value\n" });

        Assert.That(output, Is.EqualTo("got private-value\n"));
        Assert.That(logged, Has.Count.EqualTo(1));
        Assert.That(logged[0], Does.Not.Contain("private-value"));
    }

    [Test]
    public void A_failing_command_fails_with_its_exit_code_and_error_output()
    {
        var runner = new LocalRunner(_ => { });

        var error = Assert.Throws<SandboxException>(() => runner.Run(new LocalCommand("sh", "-c", "echo broken >&2; exit 3")));

        Assert.That(error!.Message, Does.Contain("exit code 3").And.Contain("broken"));
    }

    [Test]
    public void A_program_that_does_not_exist_is_named_in_the_error()
    {
        var runner = new LocalRunner(_ => { });

        var error = Assert.Throws<SandboxException>(() => runner.Run(new LocalCommand("no-such-program-here")));

        Assert.That(error!.Message, Does.Contain("no-such-program-here").And.Contain("installed"));
    }
}
