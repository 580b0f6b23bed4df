using Cake.Core;
using Cake.Frosting;

namespace CoralNet.Deploy.Output;

/// <summary>
/// The console of the process, with colour decided per stream (<see cref="ColorChoice"/>). It tells
/// Cake that it takes no escape codes, so Cake's log sets colours through the properties, and the
/// codes are written here only into a stream that is coloured. With <c>--format=json</c> everything
/// written to it goes to standard error: standard output carries the result document alone.
/// </summary>
public sealed class StreamConsole(TextWriter output, bool colorOutput, TextWriter error, bool colorError) : IConsole
{
    private readonly object _gate = new();
    private ConsoleColor? _foreground;
    private ConsoleColor? _background;

    /// <summary>The process's own streams, as the options and the environment decide.</summary>
    public static StreamConsole ForProcess(HostOptions options, Func<string, string?> environment)
    {
        var colorError = ColorChoice.For(options.Color, Console.IsErrorRedirected, environment);
        return options.Format == OutputFormat.Json
            ? new StreamConsole(Console.Error, colorError, Console.Error, colorError)
            : new StreamConsole(Console.Out, ColorChoice.For(options.Color, Console.IsOutputRedirected, environment), Console.Error, colorError);
    }

    public ConsoleColor ForegroundColor
    {
        get => _foreground ?? ConsoleColor.Gray;
        set => _foreground = value;
    }

    public ConsoleColor BackgroundColor
    {
        get => _background ?? ConsoleColor.Black;
        set => _background = value;
    }

    public bool SupportAnsiEscapeCodes => false;

    public void Write(string format, params object[] arg) => Emit(output, colorOutput, Format(format, arg));

    public void WriteLine(string format, params object[] arg) => Emit(output, colorOutput, Format(format, arg) + Environment.NewLine);

    public void Write(string value) => Emit(output, colorOutput, value);

    public void WriteLine(string value) => Emit(output, colorOutput, value + Environment.NewLine);

    public void WriteError(string format, params object[] arg) => Emit(error, colorError, Format(format, arg));

    public void WriteError(string value) => Emit(error, colorError, value);

    public void WriteErrorLine(string value) => Emit(error, colorError, value + Environment.NewLine);

    public void WriteErrorLine(string format, params object[] arg) => Emit(error, colorError, Format(format, arg) + Environment.NewLine);

    public void ResetColor()
    {
        _foreground = null;
        _background = null;
    }

    private static string Format(string format, object[] arg) =>
        arg.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg);

    private void Emit(TextWriter writer, bool colored, string text)
    {
        lock (_gate)
        {
            if (colored && (_foreground is not null || _background is not null) && text.Length > 0)
            {
                // The colour closes before a line break, so that a terminal never carries it into the next line.
                var body = text.TrimEnd('\r', '\n');
                writer.Write(AnsiColor.Set(ForegroundColor, BackgroundColor) + body + AnsiColor.Reset + text[body.Length..]);
            }
            else
            {
                writer.Write(text);
            }

            writer.Flush();
        }
    }
}
