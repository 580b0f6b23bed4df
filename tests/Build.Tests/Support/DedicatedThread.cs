namespace CoralNet.Deploy.Tests.Support;

/// <summary>
/// Work on a thread of its own, off the thread pool. The sandbox tests run a blocking suite process
/// next to a request loop; on a 2-core machine the pool starts with 2 threads and grows slowly, so a
/// blocked pool made the loop wait seconds for a thread (a slow or a missing request that was the
/// test's, not the site's).
/// </summary>
public static class DedicatedThread
{
    public static Task<T> Run<T>(Func<T> work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task Run(Action work) => Task.Factory.StartNew(work, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
}
