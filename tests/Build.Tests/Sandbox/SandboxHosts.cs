using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Sandbox;

/// <summary>
/// For integration tests that need real hosts: brings the sandbox of environments/sandbox.json up
/// through the same domain code as SandboxUp (so on a fresh machine it installs the tools and builds
/// the base itself), and tells the test each host's name, address, the SSH key and known_hosts.
/// <code>
/// var sandbox = SandboxHosts.Up(webHosts: ["web1", "web2", "web3"]);
/// var web1 = sandbox.Addresses["web1"];   // .Name, .Address
/// sandbox.Layout.PrivateKey, sandbox.Layout.KnownHosts
/// </code>
/// </summary>
public static class SandboxHosts
{
    /// <summary>The checkout the tests run from: the folder holding environments/sandbox.json.</summary>
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>The sandbox environment's settings and secrets, with Section_Key overrides (e.g. Sandbox_WebHosts=web1,web2).</summary>
    public static (DeploySettings Settings, SecretStore Secrets) LoadSettings(IReadOnlyDictionary<string, string>? overrides = null)
    {
        var values = new Dictionary<string, string>(overrides ?? new Dictionary<string, string>());
        // Several web hosts are served over http unless a test says otherwise: Tls.Mode acme (the
        // sandbox's default) gets a certificate for one web host only and refuses more.
        // So is a site behind the sandbox's load balancer, which serves plain http only.
        if ((values.TryGetValue("Sandbox_WebHosts", out var hosts) && hosts.Contains(',') || values.ContainsKey("Sandbox_LoadBalancer")) && !values.ContainsKey("Tls_Mode"))
        {
            values["Tls_Mode"] = "off";
        }

        return SettingsLoader.Load(RepositoryRoot, "sandbox", key => values.GetValueOrDefault(key), Environment.GetEnvironmentVariable, new SecretRedactor());
    }

    /// <summary>The sandbox for the settings, without starting anything.</summary>
    public static LocalSandbox For(DeploySettings settings, SecretStore secrets) =>
        new(settings, secrets, RepositoryRoot, TestContext.Progress.WriteLine, _ => { });

    /// <summary>Makes sure the hosts run (starting what is missing) and returns the sandbox; web hosts default to the settings'.</summary>
    public static LocalSandbox Up(IReadOnlyList<string>? webHosts = null)
    {
        var (settings, secrets) = LoadSettings(webHosts is null ? null : new Dictionary<string, string> { ["Sandbox_WebHosts"] = string.Join(',', webHosts) });
        var sandbox = For(settings, secrets);
        sandbox.Up();
        return sandbox;
    }

    /// <summary>What SandboxDown, or a failed SandboxUp, must not leave: live processes, netns, interfaces, mounts, cgroup folders and the runtime folder of the sandbox.</summary>
    public static IReadOnlyList<string> Leftovers(LocalSandbox sandbox)
    {
        var found = new List<string>();
        foreach (var process in Directory.GetDirectories("/proc").Where(d => int.TryParse(Path.GetFileName(d), out _)))
        {
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(process, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue;
            }

            if (commandLine.Contains(sandbox.Layout.StateDirectory, StringComparison.Ordinal) || commandLine.Contains(sandbox.Layout.RuntimeDirectory + "/", StringComparison.Ordinal))
            {
                found.Add($"process {Path.GetFileName(process)}: {commandLine}");
            }
        }

        var netns = Directory.Exists("/run/netns") ? Directory.GetFiles("/run/netns").Select(Path.GetFileName).ToHashSet() : [];
        foreach (var host in sandbox.Addresses.Hosts)
        {
            if (netns.Contains(host.Name))
            {
                found.Add("netns " + host.Name);
            }
        }

        found.AddRange(Directory.GetDirectories("/sys/class/net").Select(Path.GetFileName).OfType<string>()
            .Where(n => n == SandboxLayout.BridgeName || n.StartsWith("vsb-", StringComparison.Ordinal))
            .Select(n => "interface " + n));
        found.AddRange(MachineState.MountsUnder(sandbox.Layout.StateDirectory).Select(m => "mount " + m));
        found.AddRange(SandboxLayout.CgroupHierarchies.Select(h => Path.Combine(h, SandboxLayout.CgroupFolder)).Where(Directory.Exists).Select(c => "cgroup " + c));
        if (Directory.Exists(sandbox.Layout.RuntimeDirectory))
        {
            found.Add("folder " + sandbox.Layout.RuntimeDirectory);
        }

        return found;
    }

    private static string FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "environments", "sandbox.json")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException("The tests run outside a checkout: no environments/sandbox.json above " + AppContext.BaseDirectory);
    }
}
