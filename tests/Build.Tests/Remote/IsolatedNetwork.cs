using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoralNet.Deploy.Tests.Remote;

/// <summary>
/// A private network namespace holding only its own loopback (unshare -n, kept by a sleeping process): what
/// listens there cannot be reached from the test's namespace, and this machine's network is not touched.
/// </summary>
public sealed class IsolatedNetwork : IDisposable
{
    private readonly Process _holder;

    private IsolatedNetwork(Process holder) => _holder = holder;

    public static IsolatedNetwork Start()
    {
        var holder = Process.Start(new ProcessStartInfo("unshare", ["--net", "sh", "-c", "ip link set lo up && echo up && exec sleep infinity"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var network = new IsolatedNetwork(holder);
        if (holder.StandardOutput.ReadLine() != "up")
        {
            var error = holder.StandardError.ReadToEnd();
            network.Dispose();
            throw new InvalidOperationException("No network namespace of the test's own: " + error);
        }

        return network;
    }

    /// <summary>Starts a program inside the namespace, its standard streams redirected.</summary>
    public Process Start(string file, params string[] args) =>
        Process.Start(new ProcessStartInfo("nsenter", ["-t", _holder.Id.ToString(), "-n", file, .. args])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;

    /// <summary>A port on the test's loopback whose every connection talks to a new <paramref name="command"/> inside (on its standard input and output, as inetd would).</summary>
    public Relay Relay(string[] command) => new(this, command);

    public void Dispose()
    {
        LoopbackSshd.Stop(_holder);
    }
}

/// <summary>See <see cref="IsolatedNetwork.Relay"/>.</summary>
public sealed class Relay : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Process> _processes = [];

    public Relay(IsolatedNetwork network, string[] command)
    {
        _listener.Start();
        _ = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception) when (_stop.IsCancellationRequested)
                {
                    return;
                }

                var process = network.Start(command[0], command[1..]);
                lock (_processes)
                {
                    _processes.Add(process);
                }

                _ = process.StandardError.ReadToEndAsync();
                _ = PumpAsync(client, process);
            }
        });
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private static async Task PumpAsync(TcpClient client, Process process)
    {
        using (client)
        {
            var stream = client.GetStream();
            var input = process.StandardInput.BaseStream;
            var toProcess = Task.Run(async () =>
            {
                var buffer = new byte[16384];
                int read;
                while ((read = await stream.ReadAsync(buffer)) > 0)
                {
                    await input.WriteAsync(buffer.AsMemory(0, read));
                    await input.FlushAsync();
                }

                input.Close();
            });
            try
            {
                await process.StandardOutput.BaseStream.CopyToAsync(stream);
                client.Client.Shutdown(SocketShutdown.Send);
                await toProcess;
            }
            catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
            {
                // One side hung up: the connection is over.
            }
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Stop();
        lock (_processes)
        {
            foreach (var process in _processes)
            {
                LoopbackSshd.Stop(process);
            }
        }
    }
}
