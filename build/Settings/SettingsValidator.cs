using System.Net;

namespace CoralNet.Deploy.Settings;

/// <summary>Checks the meaning of settings that were read: every problem is listed, none is fixed silently.</summary>
public static class SettingsValidator
{
    public static IEnumerable<string> Validate(DeploySettings settings, string repositoryRoot)
    {
        var site = settings.Site;
        if (!SettingsPatterns.HostName().IsMatch(site.Domain))
        {
            yield return $"Site.Domain: '{site.Domain}' is not a domain name, for example coralnet.example.org.";
        }

        if (!Directory.Exists(Path.Combine(repositoryRoot, site.Source)))
        {
            yield return $"Site.Source: no directory '{site.Source}' under {repositoryRoot}.";
        }

        foreach (var problem in InRange("Site.Workers", site.Workers, 1, 64)
                     .Concat(InRange("Site.KeepReleases", site.KeepReleases, 2, 100))
                     .Concat(InRange("Container.KeepImages", settings.Container.KeepImages, 1, 1000))
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
                     .Concat(InRange("Timeouts.RebootSeconds", settings.Timeouts.RebootSeconds, 10, 3600))
                     .Concat(InRange("Timeouts.DrainSeconds", settings.Timeouts.DrainSeconds, 0, 3600))
                     .Concat(InRange("Timeouts.LoadBalancerHealthySeconds", settings.Timeouts.LoadBalancerHealthySeconds, 1, 3600)))
        {
            yield return problem;
        }

        foreach (var package in site.ExtraPackages.Where(p => !SettingsPatterns.PackageName().IsMatch(p)))
        {
            yield return $"Site.ExtraPackages: '{package}' is not a Debian package name.";
        }

        if (settings.Ssh.PassphraseVariable.Length > 0 && !SettingsPatterns.VariableName().IsMatch(settings.Ssh.PassphraseVariable))
        {
            yield return $"Ssh.PassphraseVariable: '{settings.Ssh.PassphraseVariable}' is not an environment variable name.";
        }

        foreach (var problem in SitePlacementRules.Validate(settings).Concat(AccountRules.Validate(settings)).Concat(SshKeyFileRules.Validate(settings.Ssh, repositoryRoot)).Concat(ValidateDatabase(settings.Database))
            .Concat(ContainerSettingsRules.Validate(settings)).Concat(TlsSettingsRules.Validate(settings, repositoryRoot)))
        {
            yield return problem;
        }

        var providerProblems = settings.Provider == ProviderKind.Sandbox
            ? ValidateSandbox(settings.Sandbox).Concat(ValidateSandboxKeys(settings)).Concat(ValidateSsmRegion(settings)).Concat(LoadBalancerSettingsRules.Validate(settings))
            : AwsSettingsRules.Validate(settings, repositoryRoot);
        foreach (var problem in providerProblems)
        {
            yield return problem;
        }
    }

    private static IEnumerable<string> ValidateDatabase(DatabaseSettings database)
    {
        if (!SettingsPatterns.Identifier().IsMatch(database.Name))
        {
            yield return $"Database.Name: '{database.Name}' must be a plain identifier (letters, digits, '_').";
        }

        if (!SettingsPatterns.Identifier().IsMatch(database.User))
        {
            yield return $"Database.User: '{database.User}' must be a plain identifier (letters, digits, '_').";
        }

        if (!SettingsPatterns.Identifier().IsMatch(database.MasterUser))
        {
            yield return $"Database.MasterUser: '{database.MasterUser}' must be a plain identifier (letters, digits, '_').";
        }
    }

    private static IEnumerable<string> ValidateSandbox(SandboxSettings sandbox)
    {
        if (sandbox.WebHosts.Count == 0)
        {
            yield return "Sandbox.WebHosts: name at least one web host, for example [\"web1\"].";
        }

        var names = sandbox.WebHosts.Append(sandbox.DatabaseHost).Concat(sandbox.LoadBalancer.Length > 0 ? [sandbox.LoadBalancer] : []).ToList();
        foreach (var name in names.Where(n => !SettingsPatterns.MachineName().IsMatch(n)))
        {
            yield return $"Sandbox: '{name}' is not a usable host name (lower-case letters and digits, at most 11 characters).";
        }

        foreach (var duplicate in names.GroupBy(n => n).Where(g => g.Count() > 1))
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

    /// <summary>A sandbox may keep its secrets in SSM too, but then needs to know the parameters' region.</summary>
    private static IEnumerable<string> ValidateSsmRegion(DeploySettings settings)
    {
        var ssm = SettingsLoader.SecretsOf(settings).FirstOrDefault(secret => secret.Reference.Source == SecretSource.Ssm);
        if (ssm.Path is not null && settings.Aws.Region.Length == 0 && Amazon.Runtime.FallbackRegionFactory.GetRegionEndpoint() is null)
        {
            yield return $"{ssm.Path}: {ssm.Reference} is read from SSM, but no region is known: set Aws.Region or AWS_REGION.";
        }
    }

    internal static IEnumerable<string> InRange(string path, int value, int min, int max)
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

    }
