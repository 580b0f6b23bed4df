using System.Security.Cryptography;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The files of a site directory that make a release: everything but what <see cref="IgnoreRules"/>
/// leaves out. Modes are reduced to 0755 (executable by its owner) or 0644, so the local umask does
/// not change a release.
/// </summary>
public sealed class SiteSnapshot
{
    /// <summary>Inside every release, the deploy's own files (manifest, release id); a site may not have one.</summary>
    public const string MetadataDirectory = ".release";

    private SiteSnapshot(string directory, ReleaseManifest manifest, SourceRevision? revision)
    {
        Directory = directory;
        Manifest = manifest;
        Revision = revision;
    }

    public string Directory { get; }

    public ReleaseManifest Manifest { get; }

    /// <summary>The git commit the sources come from, when they lie in a work tree.</summary>
    public SourceRevision? Revision { get; }

    public string FullPath(ManifestEntry entry) => Path.Combine(Directory, entry.Path);

    /// <summary>Reads the site. Throws <see cref="ReleaseException"/> for what a release cannot carry, naming the file and the fix.</summary>
    public static SiteSnapshot Take(string siteDirectory)
    {
        var root = new DirectoryInfo(siteDirectory);
        if (!root.Exists)
        {
            throw new ReleaseException($"The site directory {siteDirectory} does not exist; check Site.Source.");
        }

        var rules = IgnoreRules.ForSite(root.FullName);
        var entries = new List<ManifestEntry>();
        Walk(root, "", rules, entries);
        if (entries.Count == 0)
        {
            throw new ReleaseException($"The site directory {siteDirectory} has no file to deploy (after .deployignore).");
        }

        return new SiteSnapshot(root.FullName, new ReleaseManifest(entries), SourceRevision.Read(root.FullName));
    }

    private static void Walk(DirectoryInfo directory, string prefix, IgnoreRules rules, List<ManifestEntry> entries)
    {
        foreach (var item in directory.EnumerateFileSystemInfos().OrderBy(i => i.Name, StringComparer.Ordinal))
        {
            var relative = prefix + item.Name;
            var isDirectory = item is DirectoryInfo;
            if (rules.IsIgnored(relative, isDirectory))
            {
                continue;
            }

            CheckPath(relative, item);
            if (item.LinkTarget is not null)
            {
                throw new ReleaseException($"{item.FullName} is a symbolic link; a release carries regular files only. Replace it by the file, or name it in .deployignore.");
            }

            if (item is DirectoryInfo subdirectory)
            {
                Walk(subdirectory, relative + "/", rules, entries);
            }
            else if (item is FileInfo file)
            {
                entries.Add(Describe(file, relative));
            }
        }
    }

    private static void CheckPath(string relative, FileSystemInfo item)
    {
        if (relative == MetadataDirectory)
        {
            throw new ReleaseException($"{item.FullName}: the name {MetadataDirectory} is kept for the deploy's own files; rename it or name it in .deployignore.");
        }

        if (relative.Any(c => char.IsControl(c) || c == '\\'))
        {
            throw new ReleaseException($"{item.FullName}: a path with a control character or backslash cannot go into the manifest; rename it or name it in .deployignore.");
        }
    }

    private static ManifestEntry Describe(FileInfo file, string relative)
    {
        using var stream = file.OpenRead();
        var hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        var executable = !OperatingSystem.IsWindows() && file.UnixFileMode.HasFlag(UnixFileMode.UserExecute);
        return new ManifestEntry(relative, file.Length, executable ? ManifestEntry.ExecutableMode : ManifestEntry.RegularMode, hash);
    }
}
