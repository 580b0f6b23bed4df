using System.Net;
using System.Net.Sockets;
using System.Text;
using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// The check of a standby gunicorn instance on its own port (the host's Python, run here), against a
/// stand-in instance on this machine's loopback: a plain check asks until the release answers; a warming
/// one then asks again with several requests at once, each of which must answer the release too.
/// </summary>
public sealed class CheckSlotTests
{
    private const string Id = "20261202T120000Z-0a1b2c3d";
    private static readonly CutoverCommands Commands = new(new ReleasePaths("/srv/www", "coralnet"));

    [Test]
    public async Task A_warming_check_asks_the_instance_once_then_as_many_times_at_once_as_it_is_told()
    {
        using var instance = new StandInInstance(_ => (200, Id));

        var (code, output, errors) = TempDirectory.RunSh(Commands.CheckSlot(instance.Port, Id, "coralnet.example.org", 5, warmRequests: 4).Script);

        Assert.That(code, Is.Zero, errors);
        Assert.That(output.Trim(), Is.EqualTo("ok"));
        await instance.StopAsync();
        Assert.That(instance.Hosts, Has.Count.EqualTo(5).And.All.EqualTo("coralnet.example.org"));
        Assert.That(instance.MostAtOnce, Is.GreaterThan(1), "the warming requests are sent together");
    }

    [Test]
    public async Task A_plain_check_asks_until_the_release_answers_and_no_more()
    {
        using var instance = new StandInInstance(n => n < 3 ? (503, "starting") : (200, Id));

        var (code, _, errors) = TempDirectory.RunSh(Commands.CheckSlot(instance.Port, Id, "coralnet.example.org", 5).Script);

        Assert.That(code, Is.Zero, errors);
        await instance.StopAsync();
        Assert.That(instance.Hosts, Has.Count.EqualTo(3));
    }

    [Test]
    public void A_warming_request_answered_otherwise_fails_the_check_saying_so()
    {
        using var instance = new StandInInstance(n => n == 1 ? (200, Id) : (500, "worker error"));

        var (code, _, errors) = TempDirectory.RunSh(Commands.CheckSlot(instance.Port, Id, "coralnet.example.org", 5, warmRequests: 4).Script);

        Assert.That(code, Is.Not.Zero);
        Assert.That(errors, Does.Contain($"answered 500 with 'worker error' instead of 200 with {Id}, asked by 4 requests at once"));
    }

    /// <summary>An HTTP/1.1 server on a free loopback port answering each request by its number (from 1) and closing; it notes each request's Host and how many it served at once.</summary>
    private sealed class StandInInstance : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly Func<int, (int Status, string Body)> _answer;
        private readonly Task _serving;
        private int _count;
        private int _open;

        public StandInInstance(Func<int, (int Status, string Body)> answer)
        {
            _answer = answer;
            _listener.Start();
            _serving = ServeAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public List<string> Hosts { get; } = [];

        public int MostAtOnce { get; private set; }

        public async Task StopAsync()
        {
            _listener.Stop();
            await Task.WhenAny(_serving);
        }

        public void Dispose() => _listener.Stop();

        private async Task ServeAsync()
        {
            var requests = new List<Task>();
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync();
                }
                catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                {
                    break;
                }

                requests.Add(AnswerAsync(client, Interlocked.Increment(ref _count)));
            }

            await Task.WhenAll(requests);
        }

        private async Task AnswerAsync(TcpClient client, int number)
        {
            using var _ = client;
            lock (Hosts)
            {
                MostAtOnce = Math.Max(MostAtOnce, ++_open);
            }

            var stream = client.GetStream();
            var head = new StringBuilder();
            var buffer = new byte[1024];
            while (!head.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
            {
                var read = await stream.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                head.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }

            // Held a moment, as a worker's first request is: the others arrive meanwhile.
            await Task.Delay(50);
            var (status, body) = _answer(number);
            lock (Hosts)
            {
                Hosts.Add(head.ToString().Split("\r\n").FirstOrDefault(l => l.StartsWith("Host:", StringComparison.OrdinalIgnoreCase))?[5..].Trim() ?? "");
                _open--;
            }

            await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 {status} X\r\nContent-Type: text/plain\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n{body}"));
        }
    }
}
