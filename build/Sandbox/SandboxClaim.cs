namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// The record, machine-wide like the bridge, of which checkout's sandbox runs on this machine: written
/// when a SandboxUp starts making things, removed by that checkout's SandboxDown (or by the failed Up
/// that wrote it). While it stands, every other checkout is refused and told where to run SandboxDown.
/// </summary>
public sealed record SandboxClaim(string Checkout, string StateDirectory, string Subnet)
{
    /// <summary>The state folder environments/sandbox.json names, relative to the checkout; any other needs its option on the command line.</summary>
    private const string DefaultStateDirectory = ".sandbox";

    public static SandboxClaim? Read(string file)
    {
        if (!File.Exists(file))
        {
            return null;
        }

        var values = File.ReadAllLines(file)
            .Select(line => line.Split('=', 2))
            .Where(pair => pair.Length == 2)
            .ToDictionary(pair => pair[0], pair => pair[1], StringComparer.Ordinal);
        return new SandboxClaim(values.GetValueOrDefault("checkout", "?"), values.GetValueOrDefault("state", "?"), values.GetValueOrDefault("subnet", "?"));
    }

    /// <summary>Writes the record unless one exists (created exclusively: of two checkouts starting at once, one wins); returns whether it wrote it.</summary>
    public bool TryWrite(string file)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write($"checkout={Checkout}\nstate={StateDirectory}\nsubnet={Subnet}\n");
        }
        catch (IOException) when (File.Exists(file))
        {
            return false;
        }

        if (OperatingSystem.IsLinux())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        }

        return true;
    }

    public bool IsHeldBy(SandboxLayout layout) => StateDirectory == layout.StateDirectory;

    /// <summary>What to run, from anywhere, to take this sandbox down.</summary>
    public string DownCommand =>
        $"cd {Shell(Checkout)} && ./build.sh --target=SandboxDown"
        + (Path.GetRelativePath(Checkout, StateDirectory) == DefaultStateDirectory ? "" : " --sandbox_statedirectory=" + Shell(StateDirectory));

    /// <summary>The refusal another checkout gets: who holds the sandbox and the command that frees it.</summary>
    public string HeldElsewhere(string checkout) =>
        $"The sandbox on this machine is up from another checkout, {Checkout} (state in {StateDirectory}), not from {checkout}; "
        + $"one sandbox runs per machine: take it down there first with: {DownCommand}";

    private static string Shell(string word) => CoralNet.Deploy.Remote.Shell.Quote(word);
}
