using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Release;

/// <summary>The steps of the cutover a host may have taken, each of which its undo reverses.</summary>
[Flags]
public enum CutoverSteps
{
    None = 0,

    /// <summary>The standby gunicorn instance pointed at the new release and (re)started.</summary>
    Standby = 1,

    /// <summary><c>current</c> moved to the new release.</summary>
    Current = 2,

    /// <summary>nginx pointed at the standby instance, and it marked serving.</summary>
    Nginx = 4,
}

/// <summary>
/// One web host during a run: what it held when the run read it under the lock, the gunicorn instance
/// the new release starts in, how far the cutover went there, and the instance it retired.
/// </summary>
public sealed class HostRelease(SshTarget host, ReleaseListing before, int standby)
{
    private int _standby = standby;
    private readonly Lock _gate = new();
    private CutoverSteps _taken;
    private bool _confirmed;

    public SshTarget Host => host;

    /// <summary>The host as it was before this run changed anything.</summary>
    public ReleaseListing Before { get; private set; } = before;

    /// <summary>The port of the gunicorn instance that is not serving: where the new release starts.</summary>
    public int Standby => _standby;

    /// <summary>The steps taken (or perhaps taken: a step is marked before its command is sent, since a command whose answer was lost may have run).</summary>
    public CutoverSteps Taken
    {
        get { lock (_gate) { return _taken; } }
    }

    /// <summary>The gunicorn instance nginx sends requests to now: the standby once the cutover is confirmed, else the one that served before (none on a host never deployed).</summary>
    public int? ServingSlot => _confirmed ? _standby : Before.ServingSlot;

    /// <summary>Whether the host's cutover is confirmed: it serves the new release, and no undo reverses it.</summary>
    public bool IsConfirmed
    {
        get { lock (_gate) { return _confirmed; } }
    }

    /// <summary>The instance that served before the cutover and stops when the run finishes; null before a confirmed cutover.</summary>
    public int? Retired { get; private set; }

    public void Begin(CutoverSteps step)
    {
        lock (_gate)
        {
            _taken |= step;
        }
    }

    /// <summary>The cutover is undone: nothing is left to reverse.</summary>
    public void Undone()
    {
        lock (_gate)
        {
            _taken = CutoverSteps.None;
        }
    }

    /// <summary>Every host serves the new release: nothing is to be reversed, and the old instance retires.</summary>
    public void Confirmed()
    {
        lock (_gate)
        {
            _taken = CutoverSteps.None;
            _confirmed = true;
            Retired = Before.ServingSlot is int old && old != _standby ? old : null;
        }
    }

    /// <summary>The retired instance has been stopped.</summary>
    public void RetiredStopped() => Retired = null;

    /// <summary><c>current</c> has been put back on <paramref name="served"/>, the release nginx served (a run killed mid-cutover had moved it).</summary>
    public void CurrentPutBack(string served) => Before = Before with { Current = served, CurrentContent = null };

    /// <summary>
    /// The instance on <paramref name="serving"/>, the one nginx proxies to, has been marked serving again (and, for
    /// containers, the one started at boot): a run killed mid-cutover had left the mark behind. Whether it runs is
    /// not known any more, so the deploy does not count as up to date.
    /// </summary>
    public void ServingPutBack(int serving, int standby)
    {
        Before = Before with { ServingSlot = serving, ServingRuns = false, BootSlots = [serving] };
        _standby = standby;
    }

    /// <summary>The incomplete releases have been removed.</summary>
    public void IncompleteRemoved() => Before = Before with { Incomplete = [] };
}
