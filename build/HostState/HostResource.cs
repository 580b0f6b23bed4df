using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// A piece of wanted host state. It contributes a fragment to the host's one batched probe script,
/// reads back what that fragment printed, and says what must change, if anything.
/// </summary>
public interface IHostResource
{
    /// <summary>Unique within a run, e.g. "user alice"; names the item in logs, recaps and reports.</summary>
    string Id { get; }

    /// <summary>sh text printing the item's current state; it may use <see cref="ProbeScript.Prelude"/>'s functions and must not fail.</summary>
    string Probe { get; }

    /// <summary>Null when the host is already as wanted; otherwise the change to make.</summary>
    Change? Plan(IReadOnlyList<string> state);
}

public enum ChangeKind
{
    /// <summary>Run the command.</summary>
    Command,

    /// <summary>Run the command after apt-get update (done at most once per host and run).</summary>
    CommandAfterPackageLists,

    /// <summary>Reboot the host and wait for it.</summary>
    Reboot,

    /// <summary>Not made by this run: reported in the recap (e.g. a reboot not asked for).</summary>
    Pending,
}

/// <summary>A change a resource needs: why, and the command that makes it.</summary>
public sealed record Change(string Reason, RemoteCommand? Command, ChangeKind Kind = ChangeKind.Command);
