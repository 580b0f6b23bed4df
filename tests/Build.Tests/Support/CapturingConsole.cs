using System.Globalization;
using System.Text;
using Cake.Core;

namespace CoralNet.Deploy.Tests.Support;

/// <summary>A console that keeps everything written to it, standard output and error alike.</summary>
public sealed class CapturingConsole : IConsole
{
    private readonly StringBuilder _text = new();

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public ConsoleColor ForegroundColor { get; set; }

    public ConsoleColor BackgroundColor { get; set; }

    public bool SupportAnsiEscapeCodes => false;

    public void Write(string format, params object[] arg) => Append(Format(format, arg));

    public void Write(string value) => Append(value);

    public void WriteLine(string format, params object[] arg) => Append(Format(format, arg) + "\n");

    public void WriteLine(string value) => Append(value + "\n");

    public void WriteError(string format, params object[] arg) => Append(Format(format, arg));

    public void WriteError(string value) => Append(value);

    public void WriteErrorLine(string format, params object[] arg) => Append(Format(format, arg) + "\n");

    public void WriteErrorLine(string value) => Append(value + "\n");

    public void ResetColor()
    {
    }

    private static string Format(string format, object[] arg) =>
        arg.Length == 0 ? format : string.Format(CultureInfo.InvariantCulture, format, arg);

    private void Append(string text)
    {
        lock (_text)
        {
            _text.Append(text);
        }
    }
}
