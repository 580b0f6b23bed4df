using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Container;

/// <summary>
/// A folder only root can change, made so when missing: what root runs, reads or writes there
/// cannot have been planted or swapped (a symlink, a changed configuration) by another account.
/// </summary>
public static class RootOnlyFolder
{
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>Makes the folder (mode 0700) and its parent when missing, then refuses unless both are root's directories that no group or other account may write.</summary>
    public static void Ensure(string folder, LocalRunner runner)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new ContainerException("The image builder runs only on Linux (podman and docker-registry run here); build the image on a Linux machine.");
        }

        if (!Environment.IsPrivilegedProcess)
        {
            throw new ContainerException("The image builder must run as root (podman's service, the base image's install and the registry run as root); run it again as root.");
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(folder).TrimEnd('/'))!;
        foreach (var path in new[] { parent, folder })
        {
            if (!Path.Exists(path))
            {
                Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }

        foreach (var line in runner.Run(ContainerCommands.Ownership(parent, folder)).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (path, kind, owner, mode) = Parse(line);
            if (kind != "directory" || owner != 0 || (mode & WritableByOthers) != 0)
            {
                throw new ContainerException(
                    $"{path} is a {kind} of uid {owner}, mode {Convert.ToString((int)mode, 8)}: the image builder keeps what root runs and reads there, so it must be a directory of root's that no other account may write; "
                    + $"remove it (the suite makes it again) or fix it (chown root:root, chmod go-w), then run again.");
            }
        }
    }

    private static (string Path, string Kind, int Owner, UnixFileMode Mode) Parse(string line)
    {
        var fields = line.Split('|');
        return (fields[3], fields[0], int.Parse(fields[1], System.Globalization.CultureInfo.InvariantCulture), (UnixFileMode)Convert.ToInt32(fields[2], 8));
    }
}
