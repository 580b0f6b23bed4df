using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace CoralNet.Deploy.Tests.Frosting;

public sealed class HostOptionsTests
{
    [Test]
    public void ReadsBothOptionForms()
    {
        var options = HostOptions.Parse(["--target", "Deploy", "--verbosity=diagnostic", "--working", "/tmp", "--exclusive"]);

        Assert.That(options.Errors, Is.Empty);
        Assert.That(options.Target, Is.EqualTo("Deploy"));
        Assert.That(options.Verbosity, Is.EqualTo(Verbosity.Diagnostic));
        Assert.That(options.WorkingDirectory, Is.EqualTo("/tmp"));
        Assert.That(options.Exclusive, Is.True);
    }

    [Test]
    public void OtherOptionsBecomeCakeArguments()
    {
        var options = HostOptions.Parse(["--environment=production", "--check", "--lock-wait", "30"]);

        Assert.That(options.Errors, Is.Empty);
        Assert.That(options.Arguments, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("environment", "production"), new("check", "true"), new("lock-wait", "30"),
        }));
    }

    [Test]
    public void SwitchesDoNotSwallowTheNextOption()
    {
        var options = HostOptions.Parse(["--dryrun", "--target=Deploy"]);

        Assert.That(options.DryRun, Is.True);
        Assert.That(options.Target, Is.EqualTo("Deploy"));
    }

    [Test]
    public void ReportsEveryMistake()
    {
        var options = HostOptions.Parse(["--target=", "--dryrun=maybe", "deploy"]);

        Assert.That(options.Errors, Has.Count.EqualTo(3));
    }
}
