namespace CoralNet.Deploy.Remote;

/// <summary>A host to reach over SSH: the name the suite knows it by, its address and port.</summary>
public sealed record SshTarget(string Name, string Address, int Port = 22)
{
    public override string ToString() => Port == 22 ? $"{Name} ({Address})" : $"{Name} ({Address}:{Port})";
}
