namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// One sandbox host's life on this machine: its overlay root, network namespace and veth pair, the
/// supervisor and systemd-nspawn processes (known by the PIDs they record) and their cgroup folders.
/// Removing a host clears every one of these, whatever state a crash or a failed start left it in.
/// </summary>
public sealed class HostLifecycle(LocalRunner runner, SandboxLayout layout, SandboxAddresses addresses, string supervisorScript)
{
    private const string SupervisorMarker = "tools/sandbox-supervisor.sh";
    private static readonly TimeSpan BootTimeout = TimeSpan.FromSeconds(90);

    public bool IsRunning(string name) => MachineState.LivePid(layout.SupervisorPidFile(name), SupervisorMarker) is not null;

    /// <summary>The hosts this checkout has a folder for (whatever the settings name now).</summary>
    public IReadOnlyList<string> Known() =>
        Directory.Exists(layout.HostsDirectory)
            ? Directory.GetDirectories(layout.HostsDirectory).Select(Path.GetFileName).OfType<string>().ToList()
            : [];

    public static bool CgroupRootExists => SandboxLayout.CgroupHierarchies.Any(h => Directory.Exists(Path.Combine(h, SandboxLayout.CgroupFolder)));

    /// <summary>Whether the running host was booted to run containers (a host booted otherwise is booted again for them, and back).</summary>
    public bool RunsContainers(string name) => File.Exists(layout.HostRunsContainersMark(name));

    public void Start(SandboxHost host, bool runsContainers = false)
    {
        // A host that is not running may have left pieces behind (a crash, a reboot of this machine): clear them first.
        Stop(host.Name);
        foreach (var folder in new[] { layout.HostUpper(host.Name), layout.HostWork(host.Name), layout.HostRoot(host.Name) })
        {
            Directory.CreateDirectory(folder);
        }

        var lower = host.IsDatabase ? layout.DatabaseLayer + ":" + layout.Base : layout.Base;
        runner.Run(SandboxCommands.MountOverlay(lower, layout.HostUpper(host.Name), layout.HostWork(host.Name), layout.HostRoot(host.Name)));
        WriteHostFiles(host, layout.HostRoot(host.Name));
        runner.Run(SandboxCommands.HostKeys(layout.HostRoot(host.Name)));
        foreach (var command in SandboxCommands.CreateHostNetwork(host))
        {
            runner.Run(command);
        }

        File.Delete(layout.ConsoleLog(host.Name));
        if (runsContainers)
        {
            foreach (var storage in layout.HostEngineStorage(host.Name))
            {
                Directory.CreateDirectory(storage.Folder);
            }

            File.WriteAllText(layout.HostRunsContainersMark(host.Name), "");
        }
        else
        {
            File.Delete(layout.HostRunsContainersMark(host.Name));
        }

        runner.Run(SandboxCommands.Supervise(supervisorScript, layout, host.Name, runsContainers));
        // setsid returns at once: the supervisor records its PID a moment later.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!IsRunning(host.Name) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }
    }

    public void WaitUntilReady(SandboxHost host)
    {
        if (!MachineState.WaitForSsh(host.Address, 22, BootTimeout, () => IsRunning(host.Name)))
        {
            var console = File.Exists(layout.ConsoleLog(host.Name)) ? File.ReadLines(layout.ConsoleLog(host.Name)).TakeLast(3) : [];
            throw new SandboxException($"{host.Name} did not answer SSH on {host.Address} within {BootTimeout.TotalSeconds} s; its console ({layout.ConsoleLog(host.Name)}) ends: {string.Join(" | ", console)}");
        }
    }

    /// <summary>Asks every host's supervisor to power its host off at once (about 2 s each), before each is waited for in <see cref="Remove"/>.</summary>
    public void PowerOff(IEnumerable<string> names)
    {
        foreach (var supervisor in names.Select(n => MachineState.LivePid(layout.SupervisorPidFile(n), SupervisorMarker)).OfType<int>())
        {
            runner.Run(SandboxCommands.Signal("TERM", supervisor));
        }
    }

    /// <summary>Stops the host and deletes its folder (its layer, its console log, its database record).</summary>
    public void Remove(string name)
    {
        Stop(name);
        if (Directory.Exists(layout.HostDirectory(name)))
        {
            Directory.Delete(layout.HostDirectory(name), recursive: true);
        }
    }

    /// <summary>The sandbox's own cgroup folder under each hierarchy, once no host is left in it.</summary>
    public static void RemoveCgroupRoot()
    {
        foreach (var hierarchy in SandboxLayout.CgroupHierarchies)
        {
            RemoveCgroup(Path.Combine(hierarchy, SandboxLayout.CgroupFolder));
        }
    }

    /// <summary>/etc/hosts: the host's own name on 127.0.1.1 (sudo wants it) and every sandbox host by address.</summary>
    internal static string HostsFile(SandboxHost self, IEnumerable<SandboxHost> all) =>
        $"127.0.0.1\tlocalhost\n127.0.1.1\t{self.Name}\n::1\tlocalhost ip6-localhost ip6-loopback\n"
        + string.Concat(all.Where(h => h.Name != self.Name).Select(h => $"{h.Address}\t{h.Name}\n"));

    private void WriteHostFiles(SandboxHost host, string root)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The sandbox runs only on Linux.");
        }

        File.WriteAllText(Path.Combine(root, "etc/hostname"), host.Name + "\n");
        File.WriteAllText(Path.Combine(root, "etc/hosts"), HostsFile(host, addresses.Hosts));
        File.WriteAllText(Path.Combine(root, "etc/apt/apt.conf.d/01sandbox-proxy"), ProxyConfiguration.AptClient(addresses.Bridge));
        var ssh = Path.Combine(root, "root/.ssh");
        Directory.CreateDirectory(ssh, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var authorized = Path.Combine(ssh, "authorized_keys");
        File.WriteAllText(authorized, File.ReadAllText(layout.PublicKey));
        File.SetUnixFileMode(authorized, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>Stops one host by its recorded PIDs and removes its mount, network namespace and cgroup folders (its layer stays: a later start boots it as it was).</summary>
    public void Stop(string name)
    {
        var supervisor = MachineState.LivePid(layout.SupervisorPidFile(name), SupervisorMarker);
        var nspawn = MachineState.LivePid(layout.NspawnPidFile(name), "systemd-nspawn");
        if (supervisor is not null)
        {
            runner.Run(SandboxCommands.Signal("TERM", supervisor.Value));
        }
        else if (nspawn is not null)
        {
            runner.Run(SandboxCommands.Signal("TERM", nspawn.Value));
        }

        MachineState.WaitForExit([supervisor, nspawn], TimeSpan.FromSeconds(15));
        foreach (var pid in new[] { supervisor, nspawn }.OfType<int>().Where(MachineState.IsAlive))
        {
            runner.TryRun(SandboxCommands.Signal("KILL", pid));
        }

        MachineState.WaitForExit([supervisor, nspawn], TimeSpan.FromSeconds(5));
        foreach (var mount in MachineState.MountsUnder(layout.HostDirectory(name)))
        {
            runner.Run(SandboxCommands.Unmount(mount));
        }

        if (File.Exists(SandboxLayout.NetnsPath(name)))
        {
            runner.Run(SandboxCommands.DeleteNetns(name));
        }

        // The outer veth end goes with the netns, a moment later; delete it only if it stays.
        var veth = "/sys/class/net/" + SandboxLayout.OuterVeth(name);
        if (Directory.Exists(veth) && !runner.TryRun(SandboxCommands.DeleteLink(SandboxLayout.OuterVeth(name))).Succeeded && Directory.Exists(veth))
        {
            throw new SandboxException($"Cannot delete the interface {SandboxLayout.OuterVeth(name)}; delete it with 'ip link del {SandboxLayout.OuterVeth(name)}'.");
        }

        foreach (var hierarchy in SandboxLayout.CgroupHierarchies)
        {
            RemoveCgroup(SandboxLayout.CgroupPath(hierarchy, name));
        }

        if (Directory.Exists(layout.HostDirectory(name)))
        {
            File.Delete(layout.SupervisorPidFile(name));
            File.Delete(layout.NspawnPidFile(name));
        }
    }

    /// <summary>cgroup folders are removed with rmdir, deepest first, once no process is left in them.</summary>
    private static void RemoveCgroup(string folder)
    {
        if (!Directory.Exists(folder))
        {
            return;
        }

        foreach (var child in Directory.GetDirectories(folder))
        {
            RemoveCgroup(child);
        }

        for (var attempt = 0; ; attempt++)
        {
            try
            {
                Directory.Delete(folder);
                return;
            }
            catch (IOException) when (attempt < 50)
            {
                Thread.Sleep(100);
            }
            catch (IOException exception)
            {
                throw new SandboxException($"Cannot remove the cgroup folder {folder} ({exception.Message}): a process of the sandbox is still in it.");
            }
        }
    }
}
