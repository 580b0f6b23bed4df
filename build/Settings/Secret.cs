namespace CoralNet.Deploy.Settings;

/// <summary>A secret's value. It prints as *** so that it cannot leak through string formatting;
/// <see cref="Reveal"/> is for the few places that hand it to a host or a database.</summary>
public sealed class Secret(string value)
{
    public const string Mask = "***";

    public string Reveal() => value;

    public override string ToString() => Mask;
}
