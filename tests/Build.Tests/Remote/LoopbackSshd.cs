using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.Tests.Remote;

/// <summary>
/// A real OpenSSH server of the test's own on 127.0.0.1 and a free port, with its own host key,
/// config and authorized keys in a temporary folder; the system's sshd and its config are not touched.
/// </summary>
public sealed class LoopbackSshd : IDisposable
{
    private const string Sshd = "/usr/sbin/sshd";
    private readonly Action _stop;

    private LoopbackSshd(string folder, int port, Action stop)
    {
        Folder = folder;
        _stop = stop;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public string HostKeyFile => Path.Combine(Folder, "host_ed25519");

    public string ClientKeyFile => Path.Combine(Folder, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Folder, "known_hosts");

    public static LoopbackSshd Start(string hostKeyType = "ed25519")
    {
        var (folder, config, hostKey) = Prepare(hostKeyType);
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo(Sshd, ["-D", "-e", "-f", config, "-p", port.ToString(), "-h", hostKey])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var sshd = new LoopbackSshd(folder, port, () => Stop(process));
        var clock = Stopwatch.StartNew();
        while (!sshd.Listening())
        {
            if (process.HasExited || clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                sshd.Dispose();
                throw new InvalidOperationException($"sshd did not start on 127.0.0.1:{port}.");
            }

            Thread.Sleep(50);
        }

        return sshd;
    }

    /// <summary>
    /// An sshd in a private network namespace of its own (loopback only, see <see cref="IsolatedNetwork"/>), which the
    /// test reaches on 127.0.0.1:<see cref="Port"/> through a relay starting <c>sshd -i</c> inside for each connection:
    /// what listens in that namespace (<see cref="StartInside"/>) is reachable from the test only through SSH.
    /// </summary>
    public static LoopbackSshd StartIsolated()
    {
        var (folder, config, hostKey) = Prepare("ed25519");
        var network = IsolatedNetwork.Start();
        var relay = network.Relay([Sshd, "-i", "-e", "-f", config, "-h", hostKey]);
        return new LoopbackSshd(folder, relay.Port, () =>
        {
            relay.Dispose();
            network.Dispose();
        })
        { Network = network };
    }

    /// <summary>The isolated sshd's namespace; null for one on this machine's loopback.</summary>
    public IsolatedNetwork? Network { get; private init; }

    /// <summary>Starts a program inside the isolated sshd's network namespace.</summary>
    public Process StartInside(string file, params string[] args) =>
        (Network ?? throw new InvalidOperationException("This sshd is not isolated.")).Start(file, args);

    /// <summary>Lets <paramref name="publicKeyFile"/> log in too (another sshd's client key: one pool for several).</summary>
    public void Authorize(string publicKeyFile) => File.AppendAllText(Path.Combine(Folder, "authorized_keys"), File.ReadAllText(publicKeyFile));

    private static (string Folder, string Config, string HostKey) Prepare(string hostKeyType)
    {
        if (!File.Exists(Sshd))
        {
            Run("apt-get", "install", "-y", "-q", "openssh-server");
        }

        Directory.CreateDirectory("/run/sshd");
        var folder = Directory.CreateTempSubdirectory("sshd-test-").FullName;
        var hostKey = Path.Combine(folder, "host_ed25519");
        Run("ssh-keygen", "-q", "-t", hostKeyType, "-N", "", "-C", "", "-f", hostKey);
        Run("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", Path.Combine(folder, "client_ed25519"));
        Run("ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "rsa-passphrase", "-C", "", "-f", Path.Combine(folder, "client_rsa"));
        File.WriteAllText(Path.Combine(folder, "authorized_keys"),
            File.ReadAllText(Path.Combine(folder, "client_ed25519.pub")) + File.ReadAllText(Path.Combine(folder, "client_rsa.pub")));
        var config = Path.Combine(folder, "sshd_config");
        File.WriteAllText(config, $"""
            ListenAddress 127.0.0.1
            PidFile {folder}/sshd.pid
            AuthorizedKeysFile {folder}/authorized_keys
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            MaxSessions 50
            """);
        return (folder, config, hostKey);
    }

    /// <summary>Ends a process the test started (and waits for it), then frees it.</summary>
    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill();
            process.WaitForExit();
        }

        process.Dispose();
    }

    public SshTarget Target(string name = "loop") => new(name, "127.0.0.1", Port);

    /// <summary>A known_hosts line for this server's real key.</summary>
    public string KnownHostsLine()
    {
        var fields = File.ReadAllText(HostKeyFile + ".pub").Split(' ');
        return $"[127.0.0.1]:{Port} {fields[0]} {fields[1].Trim()}";
    }

    public void TrustHostKey() => File.WriteAllText(KnownHostsFile, KnownHostsLine() + "\n");

    public SshOptions Options(bool trustOnFirstUse = false, string? keyFile = null, string? passphrase = null) => new(
        "root", keyFile ?? ClientKeyFile, passphrase, KnownHostsFile, trustOnFirstUse,
        TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(60));

    private bool Listening()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    public static string Run(string file, params string[] args)
    {
        using var process = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEnd();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0 ? output : throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed: {error}");
    }

    public void Dispose()
    {
        _stop();
        Directory.Delete(Folder, recursive: true);
    }
}
