namespace CoralNet.Deploy.Remote;

/// <summary>Where the hosts of an environment are: the sandbox's file today, EC2 later.</summary>
public interface IHostInventory
{
    /// <summary>The web hosts, in the settings' order; throws with what to do when one is missing.</summary>
    IReadOnlyList<SshTarget> WebHosts();
}
