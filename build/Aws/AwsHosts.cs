using CoralNet.Deploy.Database;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Aws;

/// <summary>An AWS environment's hosts for the SSH steps: the web instance at its Elastic IP, and the RDS endpoint.</summary>
public sealed class AwsHosts(DeploySettings settings, AwsOutputs outputs) : IHostInventory
{
    private readonly AwsNames _names = new(settings);

    public IReadOnlyList<SshTarget> WebHosts() =>
        outputs.WebHostAddress is { } address
            ? [new SshTarget(_names.Instance, address, settings.Ssh.Port)]
            : throw new InvalidOperationException(
                $"No Elastic IP tagged Project={_names.Project}, Environment={_names.Environment}, Name={_names.ElasticIp} in this account and region: " +
                $"run ./build.sh --target=Provision --environment={settings.Environment} first.");

    /// <summary>The RDS instance's endpoint; throws with what to do when it does not exist or has none yet.</summary>
    public DatabaseEndpoint Database() =>
        outputs is { DatabaseAddress: { } address, DatabasePort: { } port }
            ? new DatabaseEndpoint(_names.Database, address, port)
            : throw new InvalidOperationException(
                $"The RDS instance {_names.Database} does not exist or has no endpoint yet: " +
                $"run ./build.sh --target=Provision --environment={settings.Environment}, which waits until it is available.");
}
