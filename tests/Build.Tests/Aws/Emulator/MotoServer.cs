using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// The AWS API emulator (moto's server, in the python3 on PATH) on a free loopback port: started
/// once for the test run by the first test that asks, wiped between tests, stopped at the end.
/// Its recorder (which moto writes to a file of its own) says which calls a run made.
/// </summary>
public sealed class MotoServer : IDisposable
{
    public const string InstallCommand = "python3 -m pip install 'moto[server]==5.2.1'";

    private static readonly Lazy<MotoServer> Shared = new(() => Start());
    private static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private readonly Process _process;
    private readonly string _recording;

    private MotoServer(Process process, int port, string recording)
    {
        _process = process;
        _recording = recording;
        Url = $"http://127.0.0.1:{port}";
    }

    public string Url { get; }

    /// <summary>The AWS calls the emulator received while <paramref name="action"/> ran, in order.</summary>
    public IReadOnlyList<EmulatorCall> Record(Action action)
    {
        Post("/moto-api/recorder/reset-recording");
        Post("/moto-api/recorder/start-recording");
        try
        {
            action();
        }
        finally
        {
            Post("/moto-api/recorder/stop-recording");
        }

        var recording = Http.GetStringAsync(Url + "/moto-api/recorder/download-recording").GetAwaiter().GetResult();
        return recording.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(EmulatorCall.Parse).ToList();
    }

    private void Post(string path)
    {
        using var reply = Http.PostAsync(Url + path, null).GetAwaiter().GetResult();
        reply.EnsureSuccessStatusCode();
    }

    /// <summary>The run's emulator, wiped: no resource of an earlier test is left.</summary>
    public static MotoServer Fresh()
    {
        var server = Shared.Value;
        server.Post("/moto-api/reset");
        return server;
    }

    /// <summary>Stops the emulator if a test started it.</summary>
    public static void StopShared()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Dispose();
        }
    }

    /// <summary>A server of its own, for a test that needs moto configured otherwise (<paramref name="environment"/>: moto's variables); the test disposes it.</summary>
    public static MotoServer Start(params (string Name, string Value)[] environment)
    {
        if (Missing("python3") is { } missing)
        {
            Assert.Fail(missing);
        }

        var port = FreePort();
        var recording = Path.Combine(Path.GetTempPath(), $"moto-recording-{port}.jsonl");
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["MOTO_RECORDER_FILEPATH"] = recording;
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        foreach (var argument in new[] { "-m", "moto.server", "-H", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }

        var process = Process.Start(start)!;
        // Drained so that a full pipe never blocks the server; kept for the failure message.
        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { log.Enqueue(line.Data); } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { log.Enqueue(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new MotoServer(process, port, recording);
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline && !process.HasExited)
        {
            try
            {
                using var reply = Http.GetAsync(server.Url + "/moto-api/").GetAwaiter().GetResult();
                if (reply.IsSuccessStatusCode)
                {
                    return server;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }

            Thread.Sleep(200);
        }

        server.Dispose();
        throw new InvalidOperationException($"moto's server did not answer on {server.Url} within 60 s: {string.Join('\n', log.TakeLast(20))}");
    }

    /// <summary>Why <paramref name="python"/> cannot run the emulator, with the command that mends it; null when it can.</summary>
    internal static string? Missing(string python) =>
        Run(python, "-c", "import moto.server, flask") is 0
            ? null
            : $"The AWS emulator tests need moto's server in the python3 on PATH (Debian 12 has no package for it): {InstallCommand}";

    /// <summary>A loopback port nothing listens on right now.</summary>
    internal static int FreePort()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }

    private static int Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!;
            process.WaitForExit();
            return process.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
        File.Delete(_recording);
    }
}

/// <summary>Stops the run's emulator once every test of this namespace is done.</summary>
[SetUpFixture]
public sealed class MotoServerLifetime
{
    [OneTimeTearDown]
    public void StopEmulator() => MotoServer.StopShared();
}
