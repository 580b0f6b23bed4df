using System.Security.Cryptography;

namespace CoralNet.Deploy.Settings;

/// <summary>Resolves secret references to values, registering each with the redactor before anyone can print it.</summary>
public sealed class SecretStore(string generatedFolder, Func<string, string?> environmentVariables, SecretRedactor redactor)
{
    private const int MinimumLength = 8;
    private readonly Dictionary<SecretReference, Secret> _values = [];

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
            default:
                throw new InvalidOperationException(reference.Source.ToString());
        }

        if (value.Length < MinimumLength)
        {
            return [$"{path}: the secret in {reference} is shorter than {MinimumLength} characters."];
        }

        _values[reference] = redactor.Register(value);
        return [];
    }

    private string ReadOrGenerate(string name)
    {
        var file = Path.Combine(generatedFolder, name);
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(generatedFolder);
        }
        else
        {
            Directory.CreateDirectory(generatedFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        // Letters and digits only: the value goes into shell, SQL and URL contexts in the sandbox.
        var value = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 40);
        var temporary = file + ".tmp";
        File.WriteAllText(temporary, value);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temporary, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        File.Move(temporary, file, overwrite: true);
        return value;
    }
}
