namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// What the sandbox has that is machine-wide: the claim (which checkout's sandbox runs here), the
/// runtime folder under /run that holds it, and the bridge. One checkout holds them at a time.
/// </summary>
public sealed class SandboxNetwork(LocalRunner runner, SandboxLayout layout, SandboxAddresses addresses, string checkout)
{
    private const UnixFileMode RuntimeMode =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    public SandboxClaim? Claim => SandboxClaim.Read(layout.ClaimRecord);

    /// <summary>Refuses, before anything changes, to act on a sandbox another checkout brought up.</summary>
    public void RefuseAnotherCheckout()
    {
        if (Claim is { } claim && !claim.IsHeldBy(layout))
        {
            throw new SandboxException(claim.HeldElsewhere(checkout));
        }
    }

    /// <summary>Claims the machine and makes the bridge, unless this checkout already did; every check comes before the first change.</summary>
    public void Ensure(UndoLog undo)
    {
        RefuseAnotherCheckout();
        var claim = Claim;
        if (claim is not null && claim.Subnet != addresses.Subnet.ToString())
        {
            throw new SandboxException($"The sandbox is up on {claim.Subnet}, not on Sandbox.Subnet {addresses.Subnet}; run SandboxDown first.");
        }

        var bridgeExists = BridgeExists;
        if (bridgeExists && claim is null)
        {
            throw new SandboxException($"The interface {SandboxLayout.BridgeName} already exists and no sandbox on this machine records making it (made by hand, or by an older version of this suite?); "
                + $"run SandboxDown in the checkout that made it, or delete it with 'ip link del {SandboxLayout.BridgeName}' if nothing uses it.");
        }

        foreach (var (name, address) in MachineState.Addresses(runner.Run(SandboxCommands.ShowAddresses())))
        {
            if (addresses.Subnet.Contains(address) && !(name == SandboxLayout.BridgeName && claim is not null))
            {
                throw new SandboxException($"The address range {addresses.Subnet} is already in use by {name} ({address}); set another Sandbox.Subnet, for example --sandbox_subnet=10.214.0.0/24.");
            }
        }

        if (claim is null)
        {
            ClaimMachine(undo);
        }

        if (!bridgeExists)
        {
            undo.Add("the bridge " + SandboxLayout.BridgeName, DeleteBridge);
            foreach (var command in SandboxCommands.CreateBridge(addresses.Bridge))
            {
                runner.Run(command);
            }
        }
    }

    /// <summary>SandboxDown: the bridge and the runtime folder, when this checkout holds them.</summary>
    public void Remove()
    {
        if (Claim is null)
        {
            return;
        }

        DeleteBridge();
        RemoveRuntimeDirectory();
    }

    private static bool BridgeExists => Directory.Exists("/sys/class/net/" + SandboxLayout.BridgeName);

    private void ClaimMachine(UndoLog undo)
    {
        Directory.CreateDirectory(layout.RuntimeDirectory);
        if (OperatingSystem.IsLinux())
        {
            // Whatever root's umask: the proxy's user must get through to its own folder.
            File.SetUnixFileMode(layout.RuntimeDirectory, RuntimeMode);
        }

        if (!new SandboxClaim(checkout, layout.StateDirectory, addresses.Subnet.ToString()).TryWrite(layout.ClaimRecord))
        {
            throw new SandboxException(Claim is { } other && !other.IsHeldBy(layout)
                ? other.HeldElsewhere(checkout)
                : $"Another SandboxUp claimed this machine's sandbox just now ({layout.ClaimRecord}); wait for it, then run again.");
        }

        undo.Add("the folder " + layout.RuntimeDirectory, RemoveRuntimeDirectory);
    }

    private void DeleteBridge()
    {
        if (BridgeExists)
        {
            runner.Run(SandboxCommands.DeleteLink(SandboxLayout.BridgeName));
        }
    }

    private void RemoveRuntimeDirectory()
    {
        if (Directory.Exists(layout.RuntimeDirectory))
        {
            Directory.Delete(layout.RuntimeDirectory, recursive: true);
        }
    }
}
