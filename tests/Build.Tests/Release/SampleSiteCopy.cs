using System.Text.RegularExpressions;
using CoralNet.Deploy.Tests.Sandbox;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>For tests that deploy a site they change: a copy of the sample site, and what the suite's output says it serves.</summary>
public static class SampleSiteCopy
{
    /// <summary>A new temporary folder holding a copy of samples/site.</summary>
    public static string Make(string prefix)
    {
        var site = Directory.CreateTempSubdirectory(prefix).FullName;
        var sample = Path.Combine(SandboxHosts.RepositoryRoot, "samples/site");
        foreach (var file in Directory.GetFiles(sample, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(site, Path.GetRelativePath(sample, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }

        return site;
    }

    /// <summary>The release a Deploy or Rollback's output says serves (its last such line).</summary>
    public static string Served(string output) =>
        Regex.Matches(output, @"Release (\d{8}T\d{6}Z-[0-9a-f]{8}) serves at").Select(m => m.Groups[1].Value).Last();
}
