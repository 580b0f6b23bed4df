using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace CoralNet.Deploy.Sandbox;

/// <summary>Reads what is true on this machine now: mounts, processes, interfaces, listening hosts.</summary>
public static class MachineState
{
    /// <summary>Mount points at or under the folder, deepest first (the order to unmount them in).</summary>
    public static IReadOnlyList<string> MountsUnder(string folder)
    {
        var prefix = folder.TrimEnd('/');
        return File.ReadAllLines("/proc/self/mounts")
            .Select(line => line.Split(' ')[1].Replace("\\040", " "))
            .Where(point => point == prefix || point.StartsWith(prefix + "/", StringComparison.Ordinal))
            .Distinct()
            .OrderByDescending(point => point.Length)
            .ToList();
    }

    /// <summary>The PID in the file, if that process is alive and its command line contains the marker (a PID can be reused).</summary>
    public static int? LivePid(string pidFile, string marker)
    {
        if (!File.Exists(pidFile) || !int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid) || pid <= 1)
        {
            return null;
        }

        try
        {
            var commandLine = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            return commandLine.Contains(marker, StringComparison.Ordinal) ? pid : null;
        }
        catch (IOException)
        {
            return null;
        }
    }

    /// <summary>
    /// Whether the process runs. A zombie does not: it has exited and holds nothing (no socket, no file),
    /// only its entry waits for its parent to reap it, which PID 1 of some machines does seconds later.
    /// </summary>
    public static bool IsAlive(int pid)
    {
        try
        {
            // /proc/PID/stat: "PID (COMMAND) STATE ...", the command may hold spaces and parentheses.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)] is not ('Z' or 'X');
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits until none of the processes is alive, or the time is up.</summary>
    public static void WaitForExit(IEnumerable<int?> pids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (pids.OfType<int>().Any(IsAlive) && DateTime.UtcNow < deadline)
        {
            // Reading /proc is cheap; a program stopped by a signal is usually gone within milliseconds.
            Thread.Sleep(10);
        }
    }

    /// <summary>Whether something accepts TCP connections on the address and port.</summary>
    public static bool Listening(IPAddress address, int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(address, port).Wait(TimeSpan.FromMilliseconds(500));
        }
        catch (AggregateException)
        {
            return false;
        }
    }

    /// <summary>Each interface's IPv4 addresses, from <c>ip -j -4 addr show</c>.</summary>
    public static IEnumerable<(string Interface, IPAddress Address)> Addresses(string ipJson)
    {
        using var document = JsonDocument.Parse(ipJson);
        foreach (var link in document.RootElement.EnumerateArray())
        {
            if (!link.TryGetProperty("addr_info", out var addresses))
            {
                continue;
            }

            foreach (var address in addresses.EnumerateArray())
            {
                if (address.TryGetProperty("local", out var local) && IPAddress.TryParse(local.GetString(), out var parsed))
                {
                    yield return (link.GetProperty("ifname").GetString() ?? "", parsed);
                }
            }
        }
    }

    /// <summary>Waits until an SSH server answers on the address with its banner.</summary>
    public static bool WaitForSsh(IPAddress address, int port, TimeSpan timeout, Func<bool> keepWaiting)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && keepWaiting())
        {
            try
            {
                using var client = new TcpClient();
                if (client.ConnectAsync(address, port).Wait(TimeSpan.FromSeconds(1)))
                {
                    client.ReceiveTimeout = 2000;
                    var buffer = new byte[8];
                    var read = client.GetStream().Read(buffer, 0, buffer.Length);
                    if (read >= 4 && System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("SSH-", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }
            }
            catch (Exception exception) when (exception is SocketException or IOException or AggregateException)
            {
            }

            Thread.Sleep(100);
        }

        return false;
    }
}
