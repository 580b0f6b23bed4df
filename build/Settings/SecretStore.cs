using System.Security.Cryptography;

namespace CoralNet.Deploy.Settings;

/// <summary>
/// Resolves secret references to values, registering each with the redactor before anyone can print it.
/// ssm: references are only collected by <see cref="Resolve"/>; <see cref="ResolveParameters"/> reads
/// them afterwards, once every other setting is known to be good, so that no AWS call is made for
/// settings that are refused anyway.
/// </summary>
public sealed class SecretStore(string generatedFolder, Func<string, string?> environmentVariables, SecretRedactor redactor)
{
    private const int MinimumLength = 8;

    /// <summary>The secrets that are files rather than values (a PEM key): line breaks allowed, never written into the environment file.</summary>
    public static readonly IReadOnlySet<string> FileSecrets = new HashSet<string>(StringComparer.Ordinal) { "Tls.CertificateKey" };

    private readonly Dictionary<SecretReference, Secret> _values = [];
    private readonly List<(string Path, SecretReference Reference)> _parameters = [];

    /// <summary>Whether a resolved reference names an SSM parameter still to be read.</summary>
    public bool HasParameters => _parameters.Count > 0;

    public Secret Get(SecretReference reference) =>
        _values.TryGetValue(reference, out var secret)
            ? secret
            : throw new InvalidOperationException($"The secret {reference} was not resolved when the settings were loaded.");

    /// <summary>Resolves one reference; returns the problems, if any.</summary>
    public IEnumerable<string> Resolve(string path, SecretReference reference)
    {
        string? value;
        switch (reference.Source)
        {
            case SecretSource.None:
                return [$"{path}: not set; write env:VARIABLE and export that variable."];
            case SecretSource.Environment:
                value = environmentVariables(reference.Name);
                if (string.IsNullOrEmpty(value))
                {
                    return [$"{path}: the environment variable {reference.Name} is not set; export it before running."];
                }

                break;
            case SecretSource.Generated:
                value = ReadOrGenerate(reference.Name);
                break;
            case SecretSource.Ssm:
                _parameters.Add((path, reference));
                return [];
            default:
                throw new InvalidOperationException(reference.Source.ToString());
        }

        return Keep(path, reference, value);
    }

    /// <summary>Reads the collected ssm: references, each once, through <paramref name="parameters"/>; returns the problems.</summary>
    public IReadOnlyList<string> ResolveParameters(ISecureParameters parameters)
    {
        var problems = new List<string>();
        foreach (var (path, reference) in _parameters.DistinctBy(item => item.Reference))
        {
            try
            {
                var value = parameters.GetAsync(reference.Name, CancellationToken.None).GetAwaiter().GetResult();
                problems.AddRange(Keep(path, reference, value));
            }
            catch (SecretUnavailableException exception)
            {
                problems.Add($"{path}: {exception.Message}");
            }
        }

        _parameters.Clear();
        return problems;
    }

    private IEnumerable<string> Keep(string path, SecretReference reference, string value)
    {
        // Registered first: even a refused value is masked wherever it might appear later.
        var secret = redactor.Register(value);
        if (value.Length < MinimumLength)
        {
            return [$"{path}: the secret in {reference} is shorter than {MinimumLength} characters."];
        }

        if (value.Any(c => char.IsControl(c) && !(FileSecrets.Contains(path) && c is '\n' or '\r')))
        {
            // Found here, before anything runs, rather than when the environment file is written mid-deploy.
            return [$"{path}: the secret in {reference} holds a line break (or another control character), which the site's environment file cannot carry; set it again on one line."];
        }

        _values[reference] = secret;
        return [];
    }

    private string ReadOrGenerate(string name)
    {
        var file = Path.Combine(generatedFolder, name);
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        const UnixFileMode ownerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(generatedFolder);
        }
        else
        {
            Directory.CreateDirectory(generatedFolder);
            File.SetUnixFileMode(generatedFolder, ownerOnly | UnixFileMode.UserExecute);
        }

        // Letters and digits only: the value goes into shell, SQL and URL contexts in the sandbox.
        var value = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
        // Born private under a name of its own, then moved in without overwriting: of two runs racing,
        // the second keeps the first one's value instead of silently replacing it.
        var temporary = $"{file}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = ownerOnly;
        }

        using (var writer = new StreamWriter(temporary, System.Text.Encoding.UTF8, options))
        {
            writer.Write(value);
        }

        try
        {
            File.Move(temporary, file, overwrite: false);
            return value;
        }
        catch (IOException) when (File.Exists(file))
        {
            File.Delete(temporary);
            return File.ReadAllText(file).Trim();
        }
    }
}
