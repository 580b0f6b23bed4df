using System.Text.Json;
using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Settings;

/// <summary>
/// Reads environments/NAME.json, applies the overrides, checks everything and resolves the secrets.
/// Any problem, however many, comes back as one <see cref="SettingsException"/> before anything runs.
/// </summary>
public static class SettingsLoader
{
    public const string EnvironmentsFolder = "environments";

    public static (DeploySettings Settings, SecretStore Secrets) Load(
        string repositoryRoot,
        string environment,
        Func<string, string?> overrides,
        Func<string, string?> environmentVariables,
        SecretRedactor redactor,
        Func<DeploySettings, ISecureParameters>? secureParameters = null)
    {
        if (!SettingsPatterns.EnvironmentName().IsMatch(environment))
        {
            throw new SettingsException(environment, [$"--environment: '{environment}' must be the name of a file in {EnvironmentsFolder}/ without '.json': lower-case letters, digits, '-' and '_', no path (for example production)."]);
        }

        var file = Path.Combine(repositoryRoot, EnvironmentsFolder, environment + ".json");
        if (!File.Exists(file))
        {
            var folder = Path.Combine(repositoryRoot, EnvironmentsFolder);
            var known = Directory.Exists(folder)
                ? Directory.GetFiles(folder, "*.json").Select(Path.GetFileNameWithoutExtension).Order().ToArray()
                : [];
            throw new SettingsException(environment, [$"there is no {EnvironmentsFolder}/{environment}.json; the environments there are: {string.Join(", ", known)}. Copy environments/production.json to start a new one."]);
        }

        var problems = new List<string>();
        JsonObject? json = null;
        try
        {
            json = JsonNode.Parse(File.ReadAllText(file), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }) as JsonObject;
            if (json is null)
            {
                problems.Add($"{file}: the file must hold one JSON object {{ ... }}.");
            }
        }
        catch (JsonException exception)
        {
            problems.Add($"{file}: not valid JSON: {exception.Message}");
        }

        var settings = SettingsBinder.Bind<DeploySettings>(json, overrides, problems);
        settings.Environment = environment;
        ContainerRegistryDefault.Apply(settings);
        // A value that could not be read is reported once, not again as invalid.
        var unreadable = problems.Select(PathOf).ToHashSet();
        problems.AddRange(SettingsValidator.Validate(settings, repositoryRoot).Where(problem => !unreadable.Contains(PathOf(problem))));

        var secrets = new SecretStore(Path.Combine(repositoryRoot, settings.Sandbox.StateDirectory, "secrets"), environmentVariables, redactor);
        foreach (var (path, reference) in SecretsOf(settings))
        {
            problems.AddRange(secrets.Resolve(path, reference));
        }

        // SSM is asked only when everything else is in order, and only when a secret lives there.
        if (problems.Count == 0 && secrets.HasParameters)
        {
            using var parameters = (secureParameters ?? throw new InvalidOperationException("ssm: secrets need an SSM client: pass secureParameters."))(settings);
            problems.AddRange(secrets.ResolveParameters(parameters));
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(environment, problems);
        }

        return (settings, secrets);
    }

    private static string PathOf(string problem) => problem.Split(':')[0].Split('[')[0];

    public static IEnumerable<(string Path, SecretReference Reference)> SecretsOf(DeploySettings settings) =>
    [
        ("Site.SecretKey", settings.Site.SecretKey),
        ("Database.Password", settings.Database.Password),
        ("Database.MasterPassword", settings.Database.MasterPassword),
        .. settings.Tls.Mode == TlsMode.Files ? [("Tls.CertificateKey", settings.Tls.CertificateKey)] : Array.Empty<(string, SecretReference)>(),
    ];
}
