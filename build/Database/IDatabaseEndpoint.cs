namespace CoralNet.Deploy.Database;

/// <summary>Where an environment's database server is, when the settings alone do not say (RDS: <c>CoralNet.Deploy.Aws.AwsHosts</c>).</summary>
public interface IDatabaseEndpoint
{
    /// <summary>The endpoint; throws with what to do when the database does not exist or is not reachable yet.</summary>
    DatabaseEndpoint Database();
}
