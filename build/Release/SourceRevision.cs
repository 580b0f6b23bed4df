using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Release;

/// <summary>Where a release's sources come from: the git commit of the work tree holding Site.Source, and whether the site's files differed from it (changed or untracked).</summary>
public sealed record SourceRevision(string Commit, bool Dirty)
{
    /// <summary>The revision of <paramref name="siteDirectory"/>, or null when it lies in no git work tree (or git is missing).</summary>
    public static SourceRevision? Read(string siteDirectory)
    {
        var git = new LocalRunner(_ => { });
        try
        {
            var head = git.TryRun(new LocalCommand("git", "-C", siteDirectory, "rev-parse", "--verify", "HEAD"));
            if (!head.Succeeded)
            {
                return null;
            }

            var status = git.TryRun(new LocalCommand("git", "-C", siteDirectory, "status", "--porcelain", "--", "."));
            return new SourceRevision(head.Output.Trim(), !status.Succeeded || status.Output.Trim().Length > 0);
        }
        catch (SandboxException)
        {
            return null;
        }
    }

    /// <summary>The lines of the release's env file (.release/env) that record it.</summary>
    public string EnvironmentLines() => $"RELEASE_COMMIT={Commit}\nRELEASE_DIRTY={(Dirty ? "true" : "false")}\n";

    public override string ToString() => Commit[..Math.Min(12, Commit.Length)] + (Dirty ? " (dirty)" : "");
}
