namespace CoralNet.Deploy.Tasks.Release;

/// <summary>
/// Marks a release step that changes the web hosts and is safe only under the deploy lock, after the
/// steps before it in the same run (run alone with --exclusive, ReloadNginx would point nginx at a
/// standby nobody started): <see cref="ReleaseTask"/> refuses to run it when the run does not hold the lock.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false)]
public sealed class UnderDeployLockAttribute : Attribute;
