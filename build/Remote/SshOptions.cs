using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Remote;

/// <summary>How the suite logs into hosts. The passphrase, if any, is already registered with the redactor.</summary>
public sealed record SshOptions(
    string User,
    string PrivateKeyFile,
    string? Passphrase,
    string KnownHostsFile,
    bool TrustOnFirstUse,
    TimeSpan KeepAlive,
    TimeSpan ConnectTimeout,
    TimeSpan CommandTimeout)
{
    public bool IsRoot => User == "root";

    /// <summary>The options the settings describe; paths are relative to the repository root.</summary>
    public static SshOptions From(DeploySettings settings, string repositoryRoot, string? passphrase) => new(
        settings.Ssh.User,
        Path.GetFullPath(settings.Ssh.PrivateKey, repositoryRoot),
        passphrase,
        Path.GetFullPath(settings.Ssh.KnownHosts, repositoryRoot),
        settings.Ssh.TrustOnFirstUse,
        TimeSpan.FromSeconds(settings.Ssh.KeepAliveSeconds),
        TimeSpan.FromSeconds(settings.Timeouts.ConnectSeconds),
        TimeSpan.FromSeconds(settings.Timeouts.CommandSeconds));
}
