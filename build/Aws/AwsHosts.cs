using CoralNet.Deploy.Database;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>An AWS environment's hosts for the SSH steps: the web instances at their Elastic IPs, and the RDS endpoint.</summary>
public sealed class AwsHosts(DeploySettings settings, AwsOutputs outputs) : IHostInventory
{
    private readonly AwsNames _names = new(settings);

    public IReadOnlyList<SshTarget> WebHosts() =>
        outputs.WebHosts.Select(host => host.Address is { } address
            ? new SshTarget(host.Name, address, settings.Ssh.Port)
            : throw new InvalidOperationException(
                $"No Elastic IP tagged Project={_names.Project}, Environment={_names.Environment}, Name={host.Name} in this account and region: " +
                $"run ./build.sh --target=Provision --environment={settings.Environment} first.")).ToList();

    /// <summary>The RDS instance's endpoint; throws with what to do when it does not exist or has none yet.</summary>
    public DatabaseEndpoint Database() =>
        outputs is { DatabaseAddress: { } address, DatabasePort: { } port }
            ? new DatabaseEndpoint(_names.Database, address, port)
            : throw new InvalidOperationException(
                $"The RDS instance {_names.Database} does not exist or has no endpoint yet: " +
                $"run ./build.sh --target=Provision --environment={settings.Environment}, which waits until it is available.");
}
