using System.Globalization;

namespace CoralNet.Deploy.Release;

/// <summary>Who holds the deploy lock, since when, for which release, and why (a Lock --message): one line in the lock's holder file.</summary>
public sealed record DeployLockHolder(string Who, DateTimeOffset Since, string ReleaseId, string? Message = null)
{
    public override string ToString() =>
        $"who={Who} since={Since.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)} release={ReleaseId}"
        + (string.IsNullOrEmpty(Message) ? "" : $" message={Message}");
}
