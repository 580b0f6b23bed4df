using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Whether a hook may run: executable by its owner, and neither the file nor any folder above it
/// changeable by an account other than root or the one running the suite (a folder others can write
/// is accepted only with its sticky bit, as /tmp: there nobody can rename what another owns). The
/// suite often runs as root; it must not run what another account wrote or could swap in.
/// </summary>
public static class HookFileCheck
{
    private const UnixFileMode WritableByOthers = UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;

    /// <summary>The problem with the hook, with what to do; null when it may run.</summary>
    public static string? Problem(string file)
    {
        if (OperatingSystem.IsWindows())
        {
            return null;
        }

        // The file and folders that really run: a link could point outside, into another account's folders.
        var runner = new LocalRunner(_ => { });
        var real = runner.Run(new LocalCommand("realpath", "-e", "--", file)).TrimEnd('\n');
        var mode = File.GetUnixFileMode(real);
        if ((mode & WritableByOthers) != 0 || (mode & UnixFileMode.UserExecute) == 0)
        {
            return $"The hook {file} must be executable by its owner and writable by nobody else (chmod 755 it).";
        }

        var self = uint.Parse(runner.Run(new LocalCommand("id", "-u")).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        // The link's folders too: where it is could be swapped as well as where it points.
        foreach (var start in new[] { real, Path.GetFullPath(file) }.Distinct())
        {
            for (var path = start; path is not null; path = Path.GetDirectoryName(path))
            {
                var owner = Owner(runner, path);
                if (owner != 0 && owner != self)
                {
                    return $"The hook {file} is under {path}, owned by the account {owner}: it could change what the suite runs. Make {path} owned by you or root.";
                }

                var folderMode = File.GetUnixFileMode(path);
                if (path != start && (folderMode & WritableByOthers) != 0 && (folderMode & UnixFileMode.StickyBit) == 0)
                {
                    return $"The hook {file} is under {path}, which its group or others can write: they could swap the hook. Run chmod go-w {path}.";
                }
            }
        }

        return null;
    }

    /// <summary>The numeric owner, from `ls -ldn` (the same on Linux and macOS).</summary>
    private static uint Owner(LocalRunner runner, string path) =>
        uint.Parse(runner.Run(new LocalCommand("ls", "-ldn", "--", path)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[2], System.Globalization.CultureInfo.InvariantCulture);
}
