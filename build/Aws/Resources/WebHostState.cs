using Amazon.EC2.Model;

namespace CoralNet.Deploy.Aws.Resources;

/// <summary>One web host during a run: its name (instance and Elastic IP), and the instance and address once found or made.</summary>
public sealed class WebHostState(string name)
{
    public string Name => name;

    public Instance? Instance { get; set; }

    public string? PublicIp { get; set; }
}
