namespace CoralNet.Deploy.Container;

/// <summary>An image's name as the docker client writes it, REPOSITORY:TAG; the repository may start with a registry's host:port.</summary>
public readonly record struct ImageName(string Repository, string Tag)
{
    /// <summary>Splits at the last colon: a tag holds none, a registry's port comes before the repository's path.</summary>
    public static ImageName Parse(string name)
    {
        var colon = name.LastIndexOf(':');
        return colon < 0 ? new ImageName(name, "") : new ImageName(name[..colon], name[(colon + 1)..]);
    }

    public override string ToString() => $"{Repository}:{Tag}";
}
