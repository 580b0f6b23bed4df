using Cake.Core.Diagnostics;
using Cake.Frosting;

namespace CoralNet.Deploy.Tests.Frosting;

public sealed class HostOptionsTests
{
    private static readonly OptionDeclaration[] Declarations =
    [
        .. HostOptions.HostDeclarations,
        new("environment", typeof(string), "the environment") { Placeholder = "NAME", Default = "sandbox" },
        new("aws-endpoint", typeof(string), "AWS endpoint") { ConfigurationKey = "Aws_Endpoint" },
        new("lock-wait", typeof(int), "seconds") { Default = "0", Tasks = ["DeployLock"] },
    ];

    private static readonly string[] Keys = ["Site_Domain", "Site_Workers", "Aws_Endpoint"];

    private static HostOptions Parse(params string[] args) =>
        HostOptions.Parse(args, Declarations, key => Keys.Contains(key, StringComparer.OrdinalIgnoreCase), Keys);

    [Test]
    public void ReadsBothOptionFormsTyped()
    {
        var options = Parse("--target", "Deploy", "--verbosity=diagnostic", "--working", "/tmp", "--exclusive", "--lock-wait", "30", "--color=never", "--format=json");

        Assert.That(options.Errors, Is.Empty);
        Assert.That(options.Target, Is.EqualTo("Deploy"));
        Assert.That(options.Verbosity, Is.EqualTo(Verbosity.Diagnostic));
        Assert.That(options.WorkingDirectory, Is.EqualTo("/tmp"));
        Assert.That(options.Exclusive, Is.True);
        Assert.That(options.Get<int>("lock-wait"), Is.EqualTo(30));
        Assert.That(options.Color, Is.EqualTo(ColorMode.Never));
        Assert.That(options.Format, Is.EqualTo(OutputFormat.Json));
    }

    [Test]
    public void UnsetOptionsHaveTheirDeclaredDefaults()
    {
        var options = Parse();

        Assert.That(options.Target, Is.EqualTo("Default"));
        Assert.That(options.Verbosity, Is.EqualTo(Verbosity.Normal));
        Assert.That(options.Color, Is.EqualTo(ColorMode.Auto));
        Assert.That(options.Format, Is.EqualTo(OutputFormat.Text));
        Assert.That(options.Check, Is.False);
        Assert.That(options.Get<string>("environment"), Is.EqualTo("sandbox"));
        Assert.That(options.Get<int>("lock-wait"), Is.Zero);
        Assert.That(options.Get<string?>("aws-endpoint"), Is.Null);
        Assert.That(options.IsGiven("lock-wait"), Is.False);
    }

    [Test]
    public void SettingKeysBecomeConfigurationArgumentsAndAnAliasAddsItsKey()
    {
        var options = Parse("--SITE_DOMAIN=example.org", "--site_workers", "4", "--aws-endpoint=http://127.0.0.1:4566");

        Assert.That(options.Errors, Is.Empty);
        Assert.That(options.Arguments, Is.EqualTo(new KeyValuePair<string, string>[]
        {
            new("SITE_DOMAIN", "example.org"), new("site_workers", "4"),
            new("aws-endpoint", "http://127.0.0.1:4566"), new("Aws_Endpoint", "http://127.0.0.1:4566"),
        }));
    }

    [TestCase("--targt=Deploy", "Unknown option --targt: did you mean --target?")]
    [TestCase("--enviroment=production", "Unknown option --enviroment: did you mean --environment?")]
    [TestCase("--site_domian=x", "Unknown option --site_domian: did you mean --site_domain?")]
    [TestCase("--dryrn", "Unknown option --dryrn: did you mean --dryrun?")]
    [TestCase("--lockwait=3", "Unknown option --lockwait: did you mean --lock-wait?")]
    public void AnUnknownOptionIsRefusedNamingTheClosest(string arg, string error)
    {
        var options = Parse(arg);

        Assert.That(options.Errors, Has.Count.EqualTo(1));
        Assert.That(options.Errors[0], Does.StartWith(error));
    }

    [Test]
    public void NothingCloseIsSuggestedForAnOptionFarFromEveryName()
    {
        var options = Parse("--zzzzzzzzzzzz=1");

        Assert.That(options.Errors.Single(), Does.StartWith("Unknown option --zzzzzzzzzzzz (--help"));
    }

    [TestCase("--verbosity=loud", "--verbosity takes quiet, minimal, normal, verbose or diagnostic, not 'loud'.")]
    [TestCase("--color=sometimes", "--color takes auto, always or never, not 'sometimes'.")]
    [TestCase("--format=xml", "--format takes text or json, not 'xml'.")]
    [TestCase("--lock-wait=soon", "--lock-wait takes a whole number (0 or more), not 'soon'.")]
    [TestCase("--lock-wait=-1", "--lock-wait takes a whole number (0 or more), not '-1'.")]
    [TestCase("--dryrun=maybe", "--dryrun is a switch: write --dryrun or --dryrun=false, not --dryrun=maybe.")]
    [TestCase("--target=", "--target needs a value: --target=NAME.")]
    public void ABadValueIsRefused(string arg, string error)
    {
        Assert.That(Parse(arg).Errors, Is.EqualTo(new[] { error }));
    }

    [Test]
    public void AShortVerbosityIsItsFirstLetter()
    {
        Assert.That(Parse("--verbosity=d").Verbosity, Is.EqualTo(Verbosity.Diagnostic));
        Assert.That(Parse("-v", "q").Verbosity, Is.EqualTo(Verbosity.Quiet));
    }

    [Test]
    public void SwitchesDoNotSwallowTheNextWord()
    {
        var options = Parse("--dryrun", "--target=Deploy", "--check", "deploy");

        Assert.That(options.DryRun, Is.True);
        Assert.That(options.Check, Is.True);
        Assert.That(options.Target, Is.EqualTo("Deploy"));
        Assert.That(options.Errors, Is.EqualTo(new[] { "Unexpected argument 'deploy': options are written --name=value." }));
    }

    [Test]
    public void ASwitchCanBeTurnedOff()
    {
        Assert.That(Parse("--check=false").Check, Is.False);
        Assert.That(Parse("--check=true").Check, Is.True);
    }

    [Test]
    public void ReportsEveryMistake()
    {
        var options = Parse("--target=", "--dryrun=maybe", "deploy", "--nope");

        Assert.That(options.Errors, Has.Count.EqualTo(4));
    }

    [Test]
    public void ReadingAnOptionAsAnotherTypeIsAMistakeInTheTask()
    {
        var options = Parse("--lock-wait=3");

        Assert.Throws<FrostingException>(() => options.Get<string>("lock-wait"));
        Assert.Throws<FrostingException>(() => options.Get<int>("no-such-option"));
    }
}
