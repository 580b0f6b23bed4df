using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Database;

/// <summary>Where the database server listens, as seen from the web host the tunnel goes through.</summary>
/// <param name="Name">What errors call it: the sandbox host's name, or the RDS instance's.</param>
public sealed record DatabaseEndpoint(string Name, string Address, int Port)
{
    /// <summary>
    /// The environment's database: the sandbox's database host, or on AWS the RDS instance's endpoint,
    /// which the AWS provisioning hands on (<paramref name="rds"/>).
    /// </summary>
    public static DatabaseEndpoint For(DeploySettings settings, DatabaseEndpoint? rds) => settings.Provider switch
    {
        ProviderKind.Sandbox => ForSandbox(settings),
        _ => rds ?? throw new DatabaseSetupException(
            "The RDS instance's endpoint is not known to this run, so the database cannot be set up: run Provision first (it creates the instance and hands on its address)."),
    };

    /// <summary>The sandbox's database host, standing in for RDS, on its address on the bridge.</summary>
    public static DatabaseEndpoint ForSandbox(DeploySettings settings)
    {
        var sandbox = settings.Sandbox;
        var host = SandboxAddresses.Of(sandbox)[sandbox.DatabaseHost];
        return new DatabaseEndpoint(host.Name, host.Address.ToString(), settings.Database.Port);
    }

    public override string ToString() => $"{Name} ({Address}:{Port})";
}
