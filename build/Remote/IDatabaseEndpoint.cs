namespace CoralNet.Deploy.Remote;

/// <summary>Where the environment's PostgreSQL listens, as seen from its web hosts (the database step tunnels there through a web host).</summary>
public sealed record DatabaseEndpoint(string Address, int Port);

/// <summary>The environment's database server: RDS on AWS (<c>CoralNet.Deploy.Aws.AwsHosts</c>), the database host in the sandbox.</summary>
public interface IDatabaseEndpoint
{
    /// <summary>The endpoint; throws with what to do when the database does not exist or is not reachable yet.</summary>
    DatabaseEndpoint Database();
}
