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
}
