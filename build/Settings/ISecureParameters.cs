namespace CoralNet.Deploy.Settings;

/// <summary>
/// SecureString parameters of SSM Parameter Store, read decrypted. The AWS implementation is
/// <c>CoralNet.Deploy.Aws.SsmSecureParameters</c>; it is made only when a setting names an ssm: secret.
/// </summary>
public interface ISecureParameters : IDisposable
{
    /// <summary>The parameter's decrypted value; throws <see cref="SecretUnavailableException"/> saying what to do when it cannot be read.</summary>
    Task<string> GetAsync(string name, CancellationToken cancellationToken);
}

/// <summary>A secret that could not be read; the message names where it was looked for and what to do, never a value.</summary>
public sealed class SecretUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
