using System.Net;
using System.Text.RegularExpressions;

namespace CoralNet.Deploy.Settings;

/// <summary>Checks the meaning of settings that were read: every problem is listed, none is fixed silently.</summary>
public static partial class SettingsValidator
{
    public static IEnumerable<string> Validate(DeploySettings settings, string repositoryRoot)
    {
        var site = settings.Site;
        if (!SiteName().IsMatch(site.Name))
        {
            yield return $"Site.Name: '{site.Name}' must be lower-case letters, digits, '-' or '_', starting with a letter.";
        }

        if (!HostName().IsMatch(site.Domain))
        {
            yield return $"Site.Domain: '{site.Domain}' is not a domain name, for example coralnet.example.org.";
        }

        if (!Directory.Exists(Path.Combine(repositoryRoot, site.Source)))
        {
            yield return $"Site.Source: no directory '{site.Source}' under {repositoryRoot}.";
        }

        if (!SitePath().IsMatch(site.Root) || site.Root.Split('/').Contains("..") || SystemDirectories.Contains(site.Root.TrimEnd('/')))
        {
            // The suite makes this folder group-writable for www-data and writes it into nginx and systemd files.
            yield return $"Site.Root: '{site.Root}' must be an absolute path of the site's own, two levels deep or more, of letters, digits, '.', '_', '-' (for example /srv/www), never a system folder.";
        }

        foreach (var problem in InRange("Site.Workers", site.Workers, 1, 64)
                     .Concat(InRange("Site.KeepReleases", site.KeepReleases, 2, 100))
                     .Concat(InRange("Site.GunicornTimeoutSeconds", site.GunicornTimeoutSeconds, 10, 31_536_000))
                     .Concat(InRange("Site.ClientMaxBodySizeMegabytes", site.ClientMaxBodySizeMegabytes, 1, 10_240))
                     .Concat(InRange("Site.GunicornPort", site.GunicornPort, 1024, 65534))
                     .Concat(InRange("Ssh.Port", settings.Ssh.Port, 1, 65535))
                     .Concat(InRange("Ssh.KeepAliveSeconds", settings.Ssh.KeepAliveSeconds, 1, 3600))
                     .Concat(InRange("Database.Port", settings.Database.Port, 1, 65535))
                     .Concat(InRange("Timeouts.ConnectSeconds", settings.Timeouts.ConnectSeconds, 1, 600))
                     .Concat(InRange("Timeouts.CommandSeconds", settings.Timeouts.CommandSeconds, 1, 86_400))
                     .Concat(InRange("Timeouts.HealthCheckSeconds", settings.Timeouts.HealthCheckSeconds, 1, 3600))
                     .Concat(InRange("Timeouts.AwsWaitSeconds", settings.Timeouts.AwsWaitSeconds, 1, 86_400))
                     .Concat(InRange("Timeouts.RebootSeconds", settings.Timeouts.RebootSeconds, 10, 3600)))
        {
            yield return problem;
        }

        foreach (var package in site.ExtraPackages.Where(p => !PackageName().IsMatch(p)))
        {
            yield return $"Site.ExtraPackages: '{package}' is not a Debian package name.";
        }

        if (!UserName().IsMatch(settings.Ssh.User))
        {
            yield return $"Ssh.User: '{settings.Ssh.User}' is not a login name.";
        }

        if (settings.Ssh.PassphraseVariable.Length > 0 && !VariableName().IsMatch(settings.Ssh.PassphraseVariable))
        {
            yield return $"Ssh.PassphraseVariable: '{settings.Ssh.PassphraseVariable}' is not an environment variable name.";
        }

        foreach (var problem in ValidateDatabase(settings.Database).Concat(ValidatePeople(settings.People)))
        {
            yield return problem;
        }

        var providerProblems = settings.Provider == ProviderKind.Sandbox
            ? ValidateSandbox(settings.Sandbox).Concat(ValidateSandboxKeys(settings)).Concat(ValidateSsmRegion(settings))
            : ValidateAws(settings, repositoryRoot);
        foreach (var problem in providerProblems)
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> ValidateDatabase(DatabaseSettings database)
    {
        if (!Identifier().IsMatch(database.Name))
        {
            yield return $"Database.Name: '{database.Name}' must be a plain identifier (letters, digits, '_').";
        }

        if (!Identifier().IsMatch(database.User))
        {
            yield return $"Database.User: '{database.User}' must be a plain identifier (letters, digits, '_').";
        }

        if (!Identifier().IsMatch(database.MasterUser))
        {
            yield return $"Database.MasterUser: '{database.MasterUser}' must be a plain identifier (letters, digits, '_').";
        }
    }

    private static IEnumerable<string> ValidatePeople(List<PersonSettings> people)
    {
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var path = $"People[{i}]";
            if (!UserName().IsMatch(person.Login))
            {
                yield return $"{path}.Login: '{person.Login}' is not a login name (lower-case letters, digits, '-', '_').";
            }

            if (person.Keys.Count == 0)
            {
                yield return $"{path}.Keys: {person.Login} has no public key: SSH login is by key only, so add one.";
            }

            for (var k = 0; k < person.Keys.Count; k++)
            {
                if (!PublicKeyFormat.TryCheck(person.Keys[k], out var error))
                {
                    yield return $"{path}.Keys[{k}]: {error}";
                }
            }
        }

        foreach (var duplicate in people.GroupBy(p => p.Login).Where(g => g.Count() > 1))
        {
            yield return $"People: '{duplicate.Key}' is listed {duplicate.Count()} times.";
        }
    }

    private static IEnumerable<string> ValidateSandbox(SandboxSettings sandbox)
    {
        if (sandbox.WebHosts.Count == 0)
        {
            yield return "Sandbox.WebHosts: name at least one web host, for example [\"web1\"].";
        }

        foreach (var name in sandbox.WebHosts.Append(sandbox.DatabaseHost).Where(n => !MachineName().IsMatch(n)))
        {
            yield return $"Sandbox: '{name}' is not a usable host name (lower-case letters and digits, at most 11 characters).";
        }

        foreach (var duplicate in sandbox.WebHosts.Append(sandbox.DatabaseHost).GroupBy(n => n).Where(g => g.Count() > 1))
        {
            yield return $"Sandbox: host name '{duplicate.Key}' is used twice.";
        }

        if (!TryParseSlash24(sandbox.Subnet))
        {
            yield return $"Sandbox.Subnet: '{sandbox.Subnet}' must be a private IPv4 /24, for example 10.213.0.0/24.";
        }

        if (sandbox.StateDirectory.Length == 0)
        {
            yield return "Sandbox.StateDirectory: must name a folder, for example .sandbox.";
        }
    }

    /// <summary>The sandbox rewrites its known_hosts and key on every start: they must be its own files, never a person's.</summary>
    private static IEnumerable<string> ValidateSandboxKeys(DeploySettings settings)
    {
        var state = Path.GetFullPath(settings.Sandbox.StateDirectory, "/repository") + "/";
        foreach (var (path, value) in new[] { ("Ssh.KnownHosts", settings.Ssh.KnownHosts), ("Ssh.PrivateKey", settings.Ssh.PrivateKey) })
        {
            if (value.Length > 0 && !Path.GetFullPath(value, "/repository").StartsWith(state, StringComparison.Ordinal))
            {
                yield return $"{path}: '{value}' must be inside Sandbox.StateDirectory ({settings.Sandbox.StateDirectory}): the sandbox writes and deletes it.";
            }
        }
    }

    private static IEnumerable<string> ValidateAws(DeploySettings settings, string repositoryRoot)
    {
        var aws = settings.Aws;
        if (aws.Region.Length == 0 && Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint() is null)
        {
            yield return "Aws.Region: not set, and neither AWS_REGION nor the AWS profile names one; set it, for example us-west-2.";
        }
        else if (aws.Region.Length > 0 && !Region().IsMatch(aws.Region))
        {
            yield return $"Aws.Region: '{aws.Region}' is not an AWS region, for example us-west-2.";
        }

        if (aws.Endpoint.Length > 0 && !Uri.TryCreate(aws.Endpoint, UriKind.Absolute, out _))
        {
            yield return $"Aws.Endpoint: '{aws.Endpoint}' is not a URL.";
        }

        if (aws.InstanceType.Length == 0)
        {
            yield return "Aws.InstanceType: name an EC2 instance type, for example t3.small.";
        }

        if (!EngineVersion().IsMatch(aws.DatabaseEngineVersion))
        {
            yield return $"Aws.DatabaseEngineVersion: '{aws.DatabaseEngineVersion}' is not a PostgreSQL version such as 16 or 16.4.";
        }

        if (aws.Ami.Length > 0 && !Ami().IsMatch(aws.Ami))
        {
            yield return $"Aws.Ami: '{aws.Ami}' is not an image id (ami-...); leave it empty for the current Ubuntu LTS.";
        }

        if (!KeyPairName().IsMatch(aws.KeyName))
        {
            yield return $"Aws.KeyName: '{aws.KeyName}' must name the EC2 key pair (letters, digits, '-', '_', '.').";
        }

        if (!File.Exists(Path.Combine(repositoryRoot, aws.PublicKey)))
        {
            yield return $"Aws.PublicKey: no file '{aws.PublicKey}'; name your OpenSSH public key, for example ~/.ssh/id_ed25519.pub.";
        }
        else if (!PublicKeyFormat.TryCheck(File.ReadAllText(Path.Combine(repositoryRoot, aws.PublicKey)).Trim(), out var keyError))
        {
            yield return $"Aws.PublicKey: {keyError}";
        }

        if (aws.OperatorCidrs.Count == 0)
        {
            yield return "Aws.OperatorCidrs: name the addresses that may reach SSH, for example [\"203.0.113.7/32\"].";
        }

        foreach (var cidr in aws.OperatorCidrs.Where(c => !IPNetwork.TryParse(c, out _)))
        {
            yield return $"Aws.OperatorCidrs: '{cidr}' is not a CIDR block such as 203.0.113.7/32.";
        }

        if (!BucketName().IsMatch(aws.BucketName) || aws.BucketName.Contains(".."))
        {
            yield return $"Aws.BucketName: '{aws.BucketName}' is not a valid S3 bucket name (3-63 lower-case letters, digits, '-', '.').";
        }

        if (settings.Ssh.PrivateKey.Length == 0)
        {
            yield return "Ssh.PrivateKey: name the private key that matches Aws.PublicKey.";
        }

        if (settings.Ssh.KnownHosts.Length == 0)
        {
            yield return "Ssh.KnownHosts: name the known_hosts file where the instance's host keys are kept.";
        }

        foreach (var problem in InRange("Aws.RootVolumeGigabytes", aws.RootVolumeGigabytes, 8, 16_384)
                     .Concat(InRange("Aws.DatabaseStorageGigabytes", aws.DatabaseStorageGigabytes, 20, 65_536))
                     .Concat(InRange("Aws.DatabaseBackupRetentionDays", aws.DatabaseBackupRetentionDays, 0, 35))
                     .Concat(InRange("Aws.PresignedUrlExpirySeconds", aws.PresignedUrlExpirySeconds, 1, 604_800)))
        {
            yield return problem;
        }

        foreach (var (path, _) in SettingsLoader.SecretsOf(settings).Where(secret => secret.Reference.Source == SecretSource.Generated))
        {
            yield return $"{path}: generated secrets are for the sandbox only; use env:VARIABLE or ssm:/path/name.";
        }
    }

    /// <summary>A sandbox may keep its secrets in SSM too, but then needs to know the parameters' region.</summary>
    private static IEnumerable<string> ValidateSsmRegion(DeploySettings settings)
    {
        var ssm = SettingsLoader.SecretsOf(settings).FirstOrDefault(secret => secret.Reference.Source == SecretSource.Ssm);
        if (ssm.Path is not null && settings.Aws.Region.Length == 0 && Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint() is null)
        {
            yield return $"{ssm.Path}: {ssm.Reference} is read from SSM, but no region is known: set Aws.Region or AWS_REGION.";
        }
    }

    private static IEnumerable<string> InRange(string path, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            yield return $"{path}: {value} is outside {min}..{max}.";
        }
    }

    private static bool TryParseSlash24(string text) =>
        IPNetwork.TryParse(text, out var network)
        && network.PrefixLength == 24
        && network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork
        && IsPrivate(network.BaseAddress);

    private static bool IsPrivate(IPAddress address)
    {
        var bytes = address.GetAddressBytes();
        return bytes[0] == 10 || bytes[0] == 172 && bytes[1] is >= 16 and <= 31 || bytes[0] == 192 && bytes[1] == 168;
    }

    private static readonly HashSet<string> SystemDirectories =
        ["/bin", "/boot", "/dev", "/etc", "/home", "/lib", "/lib64", "/opt", "/proc", "/root", "/run", "/sbin", "/srv", "/sys", "/tmp", "/usr", "/var", "/usr/local", "/var/lib", "/var/log"];

    [GeneratedRegex(@"^(/[A-Za-z0-9._-]+){2,}/?\z")]
    private static partial Regex SitePath();

    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,39}\z")]
    private static partial Regex SiteName();

    [GeneratedRegex(@"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*\z")]
    private static partial Regex HostName();

    [GeneratedRegex(@"^[a-z][a-z0-9]{0,10}\z")]
    private static partial Regex MachineName();

    [GeneratedRegex(@"^[a-z_][a-z0-9_-]{0,31}\z")]
    private static partial Regex UserName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*\z")]
    private static partial Regex VariableName();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]{0,62}\z")]
    private static partial Regex Identifier();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9+.-]+\z")]
    private static partial Regex PackageName();

    [GeneratedRegex(@"^[a-z]{2}(-gov)?-[a-z]+-\d\z")]
    private static partial Regex Region();

    [GeneratedRegex(@"^[0-9]{1,3}(\.[0-9]{1,3})?\z")]
    private static partial Regex EngineVersion();

    [GeneratedRegex(@"^ami-[0-9a-f]{8,17}\z")]
    private static partial Regex Ami();

    [GeneratedRegex(@"^[A-Za-z0-9._-]{1,255}\z")]
    private static partial Regex KeyPairName();

    [GeneratedRegex(@"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\z")]
    private static partial Regex BucketName();
}
