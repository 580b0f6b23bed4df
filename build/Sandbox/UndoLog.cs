namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// What one SandboxUp has made so far, each with how to undo it: when the run fails, everything it
/// made is undone, newest first, so that the machine is as before and the next run starts clean.
/// What was there before the run is never entered, so it is never undone.
/// </summary>
public sealed class UndoLog
{
    private readonly Stack<(string What, Action Undo)> _made = new();

    /// <summary>Enters something the run is about to make; entered first, so that a step failing halfway is undone too.</summary>
    public void Add(string what, Action undo) => _made.Push((what, undo));

    public IReadOnlyList<string> Made => _made.Select(m => m.What).ToList();

    /// <summary>Undoes everything, newest first, going on past a failure; returns what could not be undone, and why.</summary>
    public IReadOnlyList<string> UndoAll()
    {
        var failed = new List<string>();
        while (_made.TryPop(out var made))
        {
            try
            {
                made.Undo();
            }
            catch (Exception exception) when (exception is SandboxException or IOException or UnauthorizedAccessException)
            {
                failed.Add($"{made.What} ({exception.Message})");
            }
        }

        return failed;
    }
}
