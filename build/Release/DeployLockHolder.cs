using System.Globalization;

namespace CoralNet.Deploy.Release;

/// <summary>Who holds the deploy lock, since when, for which release: one line in the lock's holder file.</summary>
public sealed record DeployLockHolder(string Who, DateTimeOffset Since, string ReleaseId)
{
    public override string ToString() =>
        $"who={Who} since={Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} release={ReleaseId}";
}
