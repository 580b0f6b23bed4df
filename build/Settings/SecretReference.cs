namespace CoralNet.Deploy.Settings;

/// <summary>
/// Where a secret is kept; a settings file names only this, never the secret itself.
/// <c>env:NAME</c> reads an environment variable; <c>ssm:/path/name</c> reads a SecureString parameter of
/// SSM Parameter Store (decrypted by AWS, kept in memory only); <c>generated:NAME</c> (sandbox only) makes
/// a random value once and keeps it in the sandbox's state folder, outside git.
/// </summary>
public sealed record SecretReference(SecretSource Source, string Name)
{
    public static readonly SecretReference None = new(SecretSource.None, "");

    public static bool TryParse(string text, out SecretReference reference, out string error)
    {
        reference = None;
        error = "";
        var colon = text.IndexOf(':');
        var scheme = colon > 0 ? text[..colon] : "";
        var name = colon > 0 ? text[(colon + 1)..] : "";
        var source = scheme switch
        {
            "env" => SecretSource.Environment,
            "generated" => SecretSource.Generated,
            "ssm" => SecretSource.Ssm,
            _ => SecretSource.None,
        };
        if (source == SecretSource.None || name.Length == 0)
        {
            error = "a secret is written as env:VARIABLE or ssm:/path/name (or generated:NAME in the sandbox), never as its value";
            return false;
        }

        if (source == SecretSource.Ssm)
        {
            // Parameter Store names: letters, digits and . - _, a hierarchy separated by '/', starting with '/'.
            if (!System.Text.RegularExpressions.Regex.IsMatch(name, @"^(/[A-Za-z0-9_.-]+)+\z|^[A-Za-z0-9_.-]+\z") || name.Length > 2048)
            {
                error = $"'{name}' is not an SSM parameter name such as /coralnet/production/db-master-password";
                return false;
            }
        }
        else if (!System.Text.RegularExpressions.Regex.IsMatch(name, @"^[A-Za-z_][A-Za-z0-9_-]*\z"))
        {
            error = $"'{name}' is not a valid variable name";
            return false;
        }

        reference = new SecretReference(source, name);
        return true;
    }

    public override string ToString() => Source switch
    {
        SecretSource.Environment => "env:" + Name,
        SecretSource.Generated => "generated:" + Name,
        SecretSource.Ssm => "ssm:" + Name,
        _ => "(none)",
    };
}

public enum SecretSource
{
    None,
    Environment,
    Generated,
    Ssm,
}
