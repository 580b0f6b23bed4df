using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Sandbox;

/// <summary>The sandbox's web hosts as SSH targets: their addresses follow from the settings alone.</summary>
public sealed class SandboxHostInventory(DeploySettings settings) : IHostInventory
{
    public IReadOnlyList<SshTarget> WebHosts()
    {
        var addresses = SandboxAddresses.Of(settings.Sandbox);
        return settings.Sandbox.WebHosts.Select(name => new SshTarget(name, addresses[name].Address.ToString(), settings.Ssh.Port)).ToList();
    }
}
