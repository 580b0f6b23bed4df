using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Release;

/// <summary>
/// How the suite tells, without a round trip of its own, that <c>manage.py migrate</c> would do nothing: a
/// migrate that succeeded leaves a stamp on the first web host holding what it read (the key: the hashes of
/// every file under a migrations/ folder, of the settings, the requirements, the Dockerfile and the extra
/// packages; what it ran on: the venv, for Site.Runtime host, or the hash of the image's layers under the app's in
/// a container (what pip or the image build installed, Django's own migrations among them); the database's address) and the migrations the
/// database had applied after it. The stamp is read in a round trip the deploy makes anyway (InstallRequirements,
/// PullImage) and the applied migrations in SetupDatabase's login; when all of it matches, migrate is not sent.
/// Anything unknown (no stamp, nothing it ran on, the applied migrations not read) means it is sent.
/// </summary>
public static partial class MigrationStamp
{
    /// <summary>
    /// What a state command printed: what the release runs on (the venv it links, or the hash of its image's layers
    /// under the app's; empty when unknown) and the stamp (empty for none).
    /// </summary>
    public sealed record State(string RanOn, string Stamp);

    /// <summary>The first field of the line the state commands print.</summary>
    public const string StateLine = "migrate-state";

    [GeneratedRegex(@"(^|/)migrations/|(^|/)settings[^/]*\.py$|^requirements\.txt$|^Dockerfile$")]
    private static partial Regex Inputs();

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Hex();

    /// <summary>The SHA-256 of the manifest lines of what migrate reads, and of the extra packages (which make the image, or sit beside the venv).</summary>
    public static string Key(ReleaseManifest manifest, IEnumerable<string> extraPackages) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(
        string.Concat(manifest.Entries.Where(e => Inputs().IsMatch(e.Path)).Select(e => e.ToLine() + "\n")) + string.Join(' ', extraPackages))));

    /// <summary>The key, checked before it goes into a script.</summary>
    public static string RequireKey(string key) => Hex().IsMatch(key) ? key : throw new ArgumentException($"Not a migrate key: '{key}'.", nameof(key));

    /// <summary>
    /// The stamp's text as a printf format of its fields: the key, what it ran on (see <see cref="State"/>), the database's address, the applied migrations' MD5. The hosts' scripts write it with
    /// <see cref="Printf"/> (their values exist only there) and <see cref="Text"/> renders it here: one format for both.
    /// </summary>
    private const string Format = "%s %s %s %s";

    /// <summary>sh writing the stamp of these four shell words (quoted or expanded by the caller) and a newline to standard output.</summary>
    public static string Printf(string key, string ranOn, string address, string applied) => $"printf '{Format}\\n' {key} {ranOn} {address} {applied}";

    /// <summary>The stamp a migrate leaves, as <see cref="Printf"/> writes it (without its newline).</summary>
    public static string Text(string key, string ranOn, string address, string applied) =>
        string.Concat(Format.Split("%s").Zip(new[] { key, ranOn, address, applied, "" }, (text, field) => text + field));

    /// <summary>The state a state command printed; null when it printed none.</summary>
    public static State? Parse(string output) =>
        output.Split('\n').Select(line => line.Split('\t')).FirstOrDefault(fields => fields is [StateLine, _, _]) is [_, var ranOn, var stamp] ? new(ranOn.Trim(), stamp.Trim()) : null;

    /// <summary>
    /// Whether the stamp read on the host says that migrate would change nothing: it holds this key, what the
    /// release runs on, this database address and the migrations the database has applied now.
    /// </summary>
    public static bool Unchanged(State? state, string key, string address, string? applied) =>
        state is var (ranOn, stamp)
        && applied is not null
        && ranOn.Length > 0
        && stamp == Text(key, ranOn, address, applied);
}
