using System.Globalization;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Release;

/// <summary>
/// A release's name: when it was made (UTC, to the second) and the first 8 hex digits of its
/// manifest's hash, e.g. 20261125T234501Z-3f2a9c1b. Names sort in the order releases were made.
/// </summary>
public static partial class ReleaseId
{
    public const int HashLength = 8;
    private const string TimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    public static string Create(DateTimeOffset madeAt, ReleaseManifest manifest) =>
        madeAt.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + "-" + manifest.ContentHash()[..HashLength];

    public static bool IsValid(string id) => Pattern().IsMatch(id)
        && DateTime.TryParseExact(id[..16], TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out _);

    /// <summary>Checks a release id that came from a user or a host before it goes into a path.</summary>
    public static string Require(string id) => IsValid(id)
        ? id
        : throw new ReleaseException($"'{id}' is not a release id (UTC time and hash, e.g. 20261125T234501Z-3f2a9c1b); the Releases target lists them.");

    [GeneratedRegex("^[0-9]{8}T[0-9]{6}Z-[0-9a-f]{8}$")]
    private static partial Regex Pattern();
}
