namespace CoralNet.Deploy.Settings;

/// <summary>Knows every secret value of the run and masks them in any text on its way out.</summary>
public sealed class SecretRedactor
{
    private readonly object _gate = new();
    private string[] _values = [];

    public Secret Register(string value)
    {
        // Very short values would mask ordinary words; secrets that short are refused by validation.
        if (value.Length >= 4)
        {
            lock (_gate)
            {
                _values = _values.Append(value).Distinct().OrderByDescending(v => v.Length).ToArray();
            }
        }

        return new Secret(value);
    }

    public string Redact(string text)
    {
        foreach (var value in _values)
        {
            text = text.Replace(value, Secret.Mask, StringComparison.Ordinal);
        }

        return text;
    }
}
