using System.Text.RegularExpressions;

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

        Assert.That(color.ExitCode, Is.Not.Zero);
        Assert.That(color.Out + color.Err, Does.Contain("--color takes auto, always or never, not 'sometimes'"));
        Assert.That(format.ExitCode, Is.Not.Zero);
        Assert.That(format.Out + format.Err, Does.Contain("--format takes text or json, not 'yaml'"));
    }
}
