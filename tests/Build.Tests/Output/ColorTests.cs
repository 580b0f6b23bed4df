using System.Text.RegularExpressions;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Output;

namespace CoralNet.Deploy.Tests.Output;

/// <summary>Colour only on a terminal, NO_COLOR honoured, --color overriding: the real program, its streams as a script sees them.</summary>
public sealed class ColorTests
{
    private const byte Escape = 0x1b;

    /// <summary>A colour (SGR) sequence; a terminal also gets .NET's own keypad mode sequence, which is no colour.</summary>
    private static readonly Regex Sgr = new(@"\x1b\[[0-9;]*m");

    private static readonly Dictionary<string, string?> NoEnvironment = [];

    [Test]
    public void Redirected_output_has_no_escape_byte_on_either_stream()
    {
        // Warnings and errors (stderr) are coloured too when they are; this run has both streams on pipes.
        var result = ProgramProcess.Run("--target=ShowSettings");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        Assert.That(result.Out, Does.Contain("Site.Domain = "));
        Assert.That(result.Stdout, Has.No.Member(Escape), result.Out);
        Assert.That(result.Stderr, Has.No.Member(Escape), result.Err);
    }

    [Test]
    public void Color_always_colours_a_pipe()
    {
        var result = ProgramProcess.Run("--target=ShowSettings", "--color=always");

        Assert.That(result.ExitCode, Is.Zero, result.Err);
        Assert.That(Sgr.IsMatch(result.Out), result.Out);
    }

    [Test]
    public void A_terminal_gets_colour_unless_NO_COLOR_or_never_says_otherwise()
    {
        var colored = ProgramProcess.RunOnTerminal(NoEnvironment, "--target=ShowSettings");
        var noColor = ProgramProcess.RunOnTerminal(new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, "--target=ShowSettings");
        var emptyNoColor = ProgramProcess.RunOnTerminal(new Dictionary<string, string?> { ["NO_COLOR"] = "" }, "--target=ShowSettings");
        var never = ProgramProcess.RunOnTerminal(NoEnvironment, "--target=ShowSettings", "--color=never");
        var alwaysOverNoColor = ProgramProcess.RunOnTerminal(new Dictionary<string, string?> { ["NO_COLOR"] = "1" }, "--target=ShowSettings", "--color=always");

        Assert.That(Sgr.IsMatch(colored), "auto colours a terminal: " + colored);
        Assert.That(Sgr.IsMatch(noColor), Is.False, "NO_COLOR=1: " + noColor);
        Assert.That(Sgr.IsMatch(emptyNoColor), "an empty NO_COLOR means nothing (no-color.org)");
        Assert.That(Sgr.IsMatch(never), Is.False, "--color=never: " + never);
        Assert.That(Sgr.IsMatch(alwaysOverNoColor), "--color=always wins over NO_COLOR");
    }

    [Test]
    public void An_unknown_color_or_format_is_refused()
    {
        var color = ProgramProcess.Run("--target=ShowSettings", "--color=sometimes");
        var format = ProgramProcess.Run("--target=ShowSettings", "--format=yaml");

        Assert.That(color.ExitCode, Is.EqualTo(2));
        Assert.That(color.Out + color.Err, Does.Contain("--color takes auto, always or never, not 'sometimes'"));
        Assert.That(format.ExitCode, Is.EqualTo(2));
        Assert.That(format.Out + format.Err, Does.Contain("--format takes text or json, not 'yaml'"));
    }

    [TestCase(ColorMode.Auto, false, null, null, true)]
    [TestCase(ColorMode.Auto, true, null, null, false)]
    [TestCase(ColorMode.Auto, false, "1", null, false)]
    [TestCase(ColorMode.Auto, false, "", null, true)]
    [TestCase(ColorMode.Auto, false, null, "dumb", false)]
    [TestCase(ColorMode.Always, true, "1", "dumb", true)]
    [TestCase(ColorMode.Never, false, null, null, false)]
    public void Each_stream_decides_from_the_mode_the_terminal_and_the_environment(ColorMode mode, bool redirected, string? noColor, string? term, bool colored)
    {
        var environment = new Dictionary<string, string?> { ["NO_COLOR"] = noColor, ["TERM"] = term ?? "xterm" };

        Assert.That(ColorChoice.For(mode, redirected, name => environment.GetValueOrDefault(name)), Is.EqualTo(colored));
    }

    [Test]
    public void Cakes_log_through_the_console_colours_only_the_stream_that_is_coloured()
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var log = new CakeBuildLog(new StreamConsole(output, true, error, false), Verbosity.Normal);

        log.Information("an {0} line", "information");
        log.Error("an {0} line", "error");

        Assert.That(Sgr.IsMatch(output.ToString()), output.ToString());
        Assert.That(Sgr.Replace(output.ToString(), ""), Is.EqualTo("an information line" + Environment.NewLine));
        Assert.That(error.ToString(), Is.EqualTo("an error line" + Environment.NewLine), "stderr is not coloured: no escape code at all");
    }
}
