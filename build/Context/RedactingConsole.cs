using Cake.Core;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>The console everything is written through, Cake's log and task summary included:
/// every secret value of the run is masked here, whatever the verbosity.</summary>
public sealed class RedactingConsole(IConsole inner, SecretRedactor redactor) : IConsole
{
    public ConsoleColor ForegroundColor { get => inner.ForegroundColor; set => inner.ForegroundColor = value; }

    public ConsoleColor BackgroundColor { get => inner.BackgroundColor; set => inner.BackgroundColor = value; }

    public bool SupportAnsiEscapeCodes => inner.SupportAnsiEscapeCodes;

    public void Write(string format, params object[] arg) => inner.Write("{0}", Redact(format, arg));

    public void Write(string value) => inner.Write("{0}", redactor.Redact(value));

    public void WriteLine(string format, params object[] arg) => inner.WriteLine("{0}", Redact(format, arg));

    public void WriteLine(string value) => inner.WriteLine("{0}", redactor.Redact(value));

    public void WriteError(string format, params object[] arg) => inner.WriteError("{0}", Redact(format, arg));

    public void WriteError(string value) => inner.WriteError("{0}", redactor.Redact(value));

    public void WriteErrorLine(string format, params object[] arg) => inner.WriteErrorLine("{0}", Redact(format, arg));

    public void WriteErrorLine(string value) => inner.WriteErrorLine("{0}", redactor.Redact(value));

    public void ResetColor() => inner.ResetColor();

    private string Redact(string format, object[] arg) =>
        redactor.Redact(arg.Length == 0 ? format : string.Format(System.Globalization.CultureInfo.InvariantCulture, format, arg));
}
