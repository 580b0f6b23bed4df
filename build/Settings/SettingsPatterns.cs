using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Settings;

/// <summary>The shapes of setting values the rules share (login names, identifiers, paths...).</summary>
internal static partial class SettingsPatterns
{
    [GeneratedRegex(@"^arn:aws[a-z-]*:acm:[a-z0-9-]+:[0-9]{12}:certificate/[A-Za-z0-9-]+\z")]
    internal static partial Regex CertificateArn();

    [GeneratedRegex(@"^(/[A-Za-z0-9._-]+){2,}/?\z")]
    internal static partial Regex SitePath();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,39}\z")]
    internal static partial Regex SiteName();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z")]
    internal static partial Regex HostName();

    [GeneratedRegex(@"^[a-z][a-z0-9]{0,10}\z")]
    internal static partial Regex MachineName();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}\z")]
    internal static partial Regex UserName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    internal static partial Regex VariableName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}\z")]
    internal static partial Regex Identifier();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+\z")]
    internal static partial Regex PackageName();

    [GeneratedRegex(@"^[a-z]{2}(-gov)?-[a-z]+-\d\z")]
    internal static partial Regex Region();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3})?\z")]
    internal static partial Regex EngineVersion();

    [GeneratedRegex(@"^ami-[0-9a-f]{8,17}\z")]
    internal static partial Regex Ami();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,255}\z")]
    internal static partial Regex KeyPairName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z")]
    internal static partial Regex BucketName();

    [GeneratedRegex(@"^[a-z][a-z0-9-]{0,61}[a-z0-9]\z")]
    internal static partial Regex RdsIdentifier();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9_-]{0,63}\z")]
    internal static partial Regex EnvironmentName();

    /// <summary>An e-mail address as an ACME CA takes it: one @, a domain with a dot, no spaces or quotes.</summary>
    [GeneratedRegex(@"^[^@\s""'<>]+@[a-z0-9-]+(\.[a-z0-9-]+)+\z", RegexOptions.IgnoreCase)]
    public static partial Regex Email();
}
