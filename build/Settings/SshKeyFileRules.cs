namespace CoralNet.Deploy.Settings;

/// <summary>The suite's SSH private key file: OpenSSH refuses one that its group or others can read, and so does the suite, before connecting.</summary>
public static class SshKeyFileRules
{
    private const UnixFileMode GroupOrOthers =
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    public static IEnumerable<string> Validate(SshSettings ssh, string repositoryRoot)
    {
        if (ssh.PrivateKey.Length == 0 || OperatingSystem.IsWindows())
        {
            yield break;
        }

        var file = Path.GetFullPath(ssh.PrivateKey, repositoryRoot);
        // A key not made yet (the sandbox makes its own, mode 600) has nothing to check.
        if (File.Exists(file) && (File.GetUnixFileMode(file) & GroupOrOthers) != 0)
        {
            yield return $"Ssh.PrivateKey: {file} can be read or written by its group or others (mode {Convert.ToString((int)File.GetUnixFileMode(file), 8)}), and OpenSSH refuses such a key; make it private with: chmod 600 {file}";
        }
    }
}
