using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Sandbox;

/// <summary>
/// Let's Encrypt's test CA for the sandbox: Debian's pebble, bound to the bridge's own address, its
/// HTTP-01 checks sent to port 80 of the web hosts, its DNS answered by pebble-challtestsrv (also on the
/// bridge) from the records the sandbox sets: the site's names resolve to the first web host. Both run
/// as nobody. The directory's own TLS certificate is signed by a CA the sandbox makes once (kept in
/// .sandbox/pebble/, the one certbot is told to trust); pebble's issuing root, new at each start, is
/// written to .sandbox/pebble/root.pem for curl --cacert and the tests.
/// </summary>
public sealed class AcmeTestCa(LocalRunner runner, SandboxLayout layout, IPAddress bridge)
{
    public const int AcmePort = 14000;
    public const int ManagementPort = 15000;
    public const int DnsPort = 8053;
    public const int DnsManagementPort = 8055;
    private const string User = "nobody";
    private const string Group = "nogroup";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(15);

    public string Directory => $"https://{bridge}:{AcmePort}/dir";

    public string StateFolder => Path.Combine(layout.StateDirectory, "pebble");

    /// <summary>The CA that signed the directory's TLS certificate (certbot's REQUESTS_CA_BUNDLE).</summary>
    public string DirectoryCa => Path.Combine(StateFolder, "directory-ca.pem");

    /// <summary>Pebble's issuing root of this start: what the site's chains verify against.</summary>
    public string IssuingRoot => Path.Combine(layout.StateDirectory, IssuingRootFile);

    /// <summary><see cref="IssuingRoot"/> relative to the sandbox's state folder.</summary>
    public const string IssuingRootFile = "pebble/root.pem";

    private string RuntimeFolder => Path.Combine(layout.RuntimeDirectory, "pebble");

    private string PebblePid => Path.Combine(RuntimeFolder, "pebble.pid");

    private string DnsPid => Path.Combine(RuntimeFolder, "challtestsrv.pid");

    public bool IsRunning => MachineState.LivePid(PebblePid, "pebble") is not null && MachineState.LivePid(DnsPid, "pebble-challtestsrv") is not null;

    /// <summary>Starts pebble and its DNS unless they run; entered in the undo log first, so that a failed start is cleaned too.</summary>
    public void Ensure(UndoLog undo)
    {
        if (IsRunning)
        {
            return;
        }

        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("The sandbox runs only on Linux.");
        }

        Stop();
        undo.Add("the test CA (pebble)", Stop);
        System.IO.Directory.CreateDirectory(StateFolder);
        System.IO.Directory.CreateDirectory(RuntimeFolder);
        File.SetUnixFileMode(RuntimeFolder, (UnixFileMode)Convert.ToInt32("755", 8));
        EnsureDirectoryCa();
        var certificate = Path.Combine(RuntimeFolder, "directory.pem");
        var key = Path.Combine(RuntimeFolder, "directory.key");
        runner.Run(new LocalCommand("sh", "-c", "umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj /CN=sandbox-acme "
            + "-addext \"subjectAltName=IP:$1\" -addext basicConstraints=critical,CA:FALSE -CA \"$2\" -CAkey \"$3\" -keyout \"$4\" -out \"$5\" 2>&1",
            "sh", bridge.ToString(), DirectoryCa, DirectoryCa + ".key", key, certificate));
        runner.Run(new LocalCommand("chown", "root:" + Group, key));
        File.SetUnixFileMode(key, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
        File.SetUnixFileMode(certificate, (UnixFileMode)Convert.ToInt32("644", 8));
        var config = Path.Combine(RuntimeFolder, "config.json");
        File.WriteAllText(config, TemplateRenderer.Render("pebble-config.json", new Dictionary<string, string>
        {
            ["Bridge"] = bridge.ToString(),
            ["AcmePort"] = AcmePort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ManagementPort"] = ManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Certificate"] = certificate,
            ["PrivateKey"] = key,
        }));
        File.SetUnixFileMode(config, (UnixFileMode)Convert.ToInt32("644", 8));

        runner.Run(SandboxCommands.Detached(Path.Combine(StateFolder, "challtestsrv.log"), AsNobody(DnsPid, new LocalCommand("pebble-challtestsrv",
            "-dns01", $"{bridge}:{DnsPort}", "-management", $"{bridge}:{DnsManagementPort}",
            "-http01", "", "-https01", "", "-tlsalpn01", "", "-defaultIPv4", "", "-defaultIPv6", ""))));
        // No sleep before each check and no nonce refused at random: pebble's defaults test clients' retries, not this suite.
        runner.Run(SandboxCommands.Detached(Path.Combine(StateFolder, "pebble.log"), AsNobody(PebblePid, new LocalCommand("pebble",
            "-config", config, "-dnsserver", $"{bridge}:{DnsPort}")
        {
            Environment = new Dictionary<string, string> { ["PEBBLE_VA_NOSLEEP"] = "1", ["PEBBLE_WFE_NONCEREJECT"] = "0" },
        })));
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!(IsRunning && MachineState.Listening(bridge, AcmePort) && MachineState.Listening(bridge, ManagementPort) && MachineState.Listening(bridge, DnsManagementPort)))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new SandboxException($"The sandbox's test CA (pebble on {bridge}:{AcmePort}, its DNS on {bridge}:{DnsPort}) did not start; see {StateFolder}/pebble.log and challtestsrv.log.");
            }

            Thread.Sleep(100);
        }

        File.WriteAllText(IssuingRoot, Get($"https://{bridge}:{ManagementPort}/roots/0"));
    }

    /// <summary>
    /// Makes each name resolve to <paramref name="address"/> in pebble's DNS (idempotent). Its records live as long as it
    /// runs, and so does the note of what was set (in the runtime folder, which goes when it stops): the same records are
    /// not set again at every run.
    /// </summary>
    public void Resolve(IEnumerable<string> names, IPAddress address)
    {
        var records = string.Concat(names.Select(name => $"{name} {address}\n"));
        if (File.Exists(ResolvedNote) && File.ReadAllText(ResolvedNote) == records)
        {
            return;
        }

        foreach (var name in names)
        {
            Post("add-a", new { host = name, addresses = new[] { address.ToString() } });
        }

        File.WriteAllText(ResolvedNote, records);
    }

    /// <summary>Makes a name unknown to pebble's DNS again.</summary>
    public void Forget(string name)
    {
        File.Delete(ResolvedNote);
        Post("clear-a", new { host = name });
    }

    private string ResolvedNote => Path.Combine(RuntimeFolder, "resolved");

    /// <summary>Stops pebble and its DNS by their recorded PIDs and removes their runtime folder (the state folder's CA stays, as the SSH key does).</summary>
    public void Stop()
    {
        var pids = new[] { MachineState.LivePid(PebblePid, "pebble"), MachineState.LivePid(DnsPid, "pebble-challtestsrv") };
        foreach (var pid in pids.OfType<int>())
        {
            runner.Run(SandboxCommands.Signal("TERM", pid));
        }

        MachineState.WaitForExit(pids, TimeSpan.FromSeconds(10));
        if (System.IO.Directory.Exists(RuntimeFolder))
        {
            System.IO.Directory.Delete(RuntimeFolder, recursive: true);
        }
    }

    /// <summary>Writes its PID where Stop finds it, then becomes the command as nobody (setpriv: no extra process stays between).</summary>
    private static LocalCommand AsNobody(string pidFile, LocalCommand command) => new("sh",
    [
        "-c", "echo $$ > \"$0\"; exec \"$@\"", pidFile,
        "setpriv", "--reuid=" + User, "--regid=" + Group, "--clear-groups", "--inh-caps=-all",
        .. command.Environment.Count > 0 ? ["env", .. command.Environment.Select(p => $"{p.Key}={p.Value}")] : Array.Empty<string>(),
        command.Program, .. command.Arguments,
    ]);

    private void EnsureDirectoryCa()
    {
        if (File.Exists(DirectoryCa) && File.Exists(DirectoryCa + ".key"))
        {
            return;
        }

        runner.Run(new LocalCommand("sh", "-c", "umask 077 && openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 3650 -subj '/CN=coralnet sandbox ACME directory CA' "
            + "-addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign -keyout \"$1\" -out \"$2\" 2>&1 && chmod 644 \"$2\"", "sh", DirectoryCa + ".key", DirectoryCa));
    }

    private HttpClient Client()
    {
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        var trusted = new X509Certificate2Collection();
        trusted.ImportFromPemFile(DirectoryCa);
        policy.CustomTrustStore.AddRange(trusted);
        var handler = new SocketsHttpHandler { SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy } };
        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    private string Get(string url)
    {
        using var http = Client();
        return http.GetStringAsync(url).GetAwaiter().GetResult();
    }

    private void Post(string path, object body)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var answer = http.PostAsync($"http://{bridge}:{DnsManagementPort}/{path}", new StringContent(System.Text.Json.JsonSerializer.Serialize(body))).GetAwaiter().GetResult();
        if (!answer.IsSuccessStatusCode)
        {
            throw new SandboxException($"The sandbox's DNS (pebble-challtestsrv on {bridge}:{DnsManagementPort}) refused /{path}: {(int)answer.StatusCode}.");
        }
    }
}
