using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Remote;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>
/// A sandbox host's ports 80 and 443 closed to everything but its own loopback (reset), as the web group behind the
/// ALB closes them to the deploy machine: an nft table in the host's own network namespace (this machine's nft, entered
/// into the namespace of the host's init; this machine's own namespace is not touched). Disposing removes the table.
/// </summary>
public sealed class ClosedWebPorts : IDisposable
{
    private const string Table = "coralnet_test_closed_web";
    private readonly string _leader;

    public ClosedWebPorts(LocalSandbox sandbox, string host)
    {
        if (!File.Exists("/usr/sbin/nft"))
        {
            throw new InvalidOperationException("needs nft: ./build.sh --target=InstallTestPrerequisites installs it (apt-get install nftables)");
        }

        var nspawn = File.ReadAllText(sandbox.Layout.NspawnPidFile(host)).Trim();
        _leader = File.ReadAllText($"/proc/{nspawn}/task/{nspawn}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Nft($"add table inet {Table}");
        Nft($"add chain inet {Table} input {{ type filter hook input priority 0; }}");
        Nft($"add rule inet {Table} input iifname != \"lo\" tcp dport {{ 80, 443 }} reject with tcp reset");
    }

    private void Nft(string command) => LoopbackSshd.Run("nsenter", "-t", _leader, "-n", "nft", command);

    public void Dispose() => Nft($"delete table inet {Table}");
}
