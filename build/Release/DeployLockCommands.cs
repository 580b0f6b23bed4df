using CoralNet.Deploy.Remote;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The deploy lock on a web host: a directory made atomically, with a holder file naming the run
/// (<see cref="DeployLockHolder"/>) whose modification time the run refreshes while it lives.
/// </summary>
public sealed class DeployLockCommands(ReleasePaths paths)
{
    /// <summary>The exit code of a refused lock.</summary>
    public const int Refused = 75;

    /// <summary>Starts the line of a refusal's error output that carries the holder file (base64).</summary>
    public const string RecordLine = "holder-record: ";

    /// <summary>Starts the line of a refusal's error output that says how many seconds ago the holder refreshed the lock.</summary>
    public const string AgeLine = "holder-refreshed-seconds-ago: ";

    /// <summary>
    /// Takes the deploy lock (an atomic mkdir), waiting up to <paramref name="waitSeconds"/> (0: fail at
    /// once); a refused lock fails with exit code <see cref="Refused"/>, names its holder and says when it
    /// last refreshed the lock. It reports ok: a lock the run takes and releases leaves the host as it
    /// was, so a run that changes nothing else changes nothing.
    /// </summary>
    public RemoteCommand Lock(DeployLockHolder holder, int waitSeconds) => Command("take deploy lock", $$"""
        set -eu
        mkdir -p {{Shell.Quote(paths.Site)}}
        lock={{Shell.Quote(paths.Lock)}}
        deadline=$(( $(date +%s) + {{waitSeconds}} ))
        until mkdir "$lock" 2>/dev/null; do
          if [ "$(date +%s)" -ge "$deadline" ]; then
            if [ -f "$lock/holder" ]; then
              age=$(( $(date +%s) - $(stat -c %Y "$lock/holder") ))
              echo "another deploy holds the lock $lock ($(paste -sd ' ' "$lock/holder"), refreshed $age s ago); wait with --lock-wait=SECONDS, or, when that run is dead, take its lock over with --take-over-lock" >&2
              echo "{{RecordLine}}$(base64 -w 0 "$lock/holder")" >&2
              echo "{{AgeLine}}$age" >&2
            else
              echo "another deploy holds the lock $lock (holder not written yet); wait with --lock-wait=SECONDS, or run the Unlock target if it is stale" >&2
            fi
            exit {{Refused}}
          fi
          sleep 1
        done
        printf '%s\n' {{Shell.Quote(holder.ToString())}} > "$lock/holder"
        echo ok
        """);

    /// <summary>Marks the lock as still held by a living run (the holder file's time); fails when the lock is no longer this run's.</summary>
    public RemoteCommand Refresh(DeployLockHolder holder) => Command("refresh deploy lock", $$"""
        set -eu
        {{IfHeldBy(holder.ToString(), "touch \"$lock/holder\"", "is no longer this run's")}}
        echo ok
        """);

    /// <summary>Releases the lock this run holds (ok, as taking it was); a lock held by another run is left alone.</summary>
    public RemoteCommand Unlock(DeployLockHolder holder) => Command("release deploy lock", $$"""
        set -eu
        lock={{Shell.Quote(paths.Lock)}}
        if [ ! -d "$lock" ]; then echo ok; exit 0; fi
        {{IfHeldBy(holder.ToString(), "rm -rf \"$lock\"", "is held by another run; left alone")}}
        echo ok
        """);

    /// <summary>Removes the lock of a run found dead, only while its holder file still reads <paramref name="record"/> (no other run took it meanwhile).</summary>
    public RemoteCommand TakeOver(string record) => Command("remove a dead run's deploy lock", $$"""
        set -eu
        {{IfHeldBy(record, "rm -rf \"$lock\"", "changed hands meanwhile; left alone")}}
        echo changed
        """);

    /// <summary>Removes a stale lock whoever holds it, saying whose it was.</summary>
    public RemoteCommand ForceUnlock() => Command("remove deploy lock", $$"""
        set -eu
        lock={{Shell.Quote(paths.Lock)}}
        if [ ! -d "$lock" ]; then echo ok; exit 0; fi
        echo "removing the deploy lock of: $(paste -sd ' ' "$lock/holder" 2>/dev/null || echo 'unknown')"
        rm -rf "$lock"
        echo changed
        """);

    /// <summary>sh running <paramref name="action"/> when the lock's holder file reads <paramref name="record"/>, else failing with the lock and <paramref name="otherwise"/>.</summary>
    private string IfHeldBy(string record, string action, string otherwise) => $$"""
        lock={{Shell.Quote(paths.Lock)}}
        if [ "$(cat "$lock/holder" 2>/dev/null || true)" != {{Shell.Quote(record)}} ]; then
          echo "the deploy lock $lock {{otherwise}} ($(paste -sd ' ' "$lock/holder" 2>/dev/null || echo 'no holder'))" >&2
          exit 1
        fi
        {{action}}
        """;
}
