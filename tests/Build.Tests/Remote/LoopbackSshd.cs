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
    private readonly Process _process;

    private LoopbackSshd(string folder, Process process, int port)
    {
        Folder = folder;
        _process = process;
        Port = port;
    }

    public string Folder { get; }

    public int Port { get; }

    public string HostKeyFile => Path.Combine(Folder, "host_ed25519");

    public string ClientKeyFile => Path.Combine(Folder, "client_ed25519");

    public string KnownHostsFile => Path.Combine(Folder, "known_hosts");

    public static LoopbackSshd Start(string hostKeyType = "ed25519")
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
        var port = FreePort();
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
        var process = Process.Start(new ProcessStartInfo(Sshd, ["-D", "-e", "-f", config, "-p", port.ToString(), "-h", hostKey])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var sshd = new LoopbackSshd(folder, process, port);
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
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        Directory.Delete(Folder, recursive: true);
    }
}
