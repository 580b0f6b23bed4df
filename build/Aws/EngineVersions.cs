using System.Globalization;

namespace CoralNet.Deploy.Aws;

/// <summary>
/// PostgreSQL engine versions as RDS writes them ("15", "15.4", "16.1"). A setting names a major
/// version ("15": any 15.x matches) or an exact one ("15.4").
/// </summary>
public static class EngineVersions
{
    /// <summary>Negative when <paramref name="actual"/> is older than the setting asks, zero when it matches, positive when newer.</summary>
    public static int Compare(string actual, string wanted)
    {
        var have = Parts(actual);
        var want = Parts(wanted);
        // Only as many parts as the setting names are compared: "15" matches 15.4.
        for (var i = 0; i < want.Count; i++)
        {
            var part = i < have.Count ? have[i] : 0;
            if (part != want[i])
            {
                return part.CompareTo(want[i]);
            }
        }

        return 0;
    }

    public static int Major(string version) => Parts(version).FirstOrDefault();

    private static List<int> Parts(string version) =>
        version.Split('.').Select(part => int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : 0).ToList();
}
