using Renci.SshNet;
using Renci.SshNet.Common;

namespace CoralNet.Deploy.Remote;

/// <summary>Opens the suite's OpenSSH private key (ed25519 or RSA), with its passphrase when it has one.</summary>
public static class PrivateKeys
{
    public static PrivateKeyFile Load(string path, string? passphrase)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"Ssh.PrivateKey: no file {path}. Name an OpenSSH private key (ed25519 or RSA).");
        }

        try
        {
            return string.IsNullOrEmpty(passphrase) ? new PrivateKeyFile(path) : new PrivateKeyFile(path, passphrase);
        }
        catch (SshPassPhraseNullOrEmptyException)
        {
            throw new InvalidOperationException($"Ssh.PrivateKey: {path} is protected by a passphrase: set Ssh.PassphraseVariable to the name of an environment variable that holds it, and export it.");
        }
        catch (SshException exception)
        {
            throw new InvalidOperationException($"Ssh.PrivateKey: cannot read {path} ({exception.Message}). A wrong passphrase gives this too.", exception);
        }
    }

    /// <summary>The problem with the key, if any, without connecting anywhere.</summary>
    public static string? Check(string path, string? passphrase)
    {
        try
        {
            Load(path, passphrase).Dispose();
            return null;
        }
        catch (InvalidOperationException exception)
        {
            return exception.Message;
        }
    }
}
