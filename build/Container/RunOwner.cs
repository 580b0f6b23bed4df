using System.Globalization;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The run a background program belongs to: its PID and the kernel's start time of that process
/// (a PID is reused; the pair is not). Written beside the program's PID file, so that a later run
/// tells a program whose run still lives from one that a killed run left behind.
/// </summary>
public sealed record RunOwner(int Pid, string StartTime)
{
    public static RunOwner Current { get; } = Of(Environment.ProcessId)!;

    /// <summary>The process as it is now, or null when it is gone.</summary>
    public static RunOwner? Of(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // Field 22 (starttime), counted after the command name, which may hold spaces and parentheses.
            return new RunOwner(pid, stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[19]);
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>The owner the file names, or null when there is none.</summary>
    public static RunOwner? Read(string file)
    {
        var fields = File.Exists(file) ? File.ReadAllText(file).Split(' ', StringSplitOptions.TrimEntries) : [];
        return fields.Length == 2 && int.TryParse(fields[0], CultureInfo.InvariantCulture, out var pid) ? new RunOwner(pid, fields[1]) : null;
    }

    /// <summary>Whether this very process still runs.</summary>
    public bool IsAlive => Of(Pid) == this;

    public void Write(string file) => File.WriteAllText(file, $"{Pid} {StartTime}\n");
}
