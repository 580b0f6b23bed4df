using System.Diagnostics;

namespace CoralNet.Deploy.Tests.Remote;

/// <summary>
/// A web server on 127.0.0.1:80 (or :443 over TLS) inside an isolated sshd's network namespace, as a web host's
/// nginx: it answers every GET 200 with what <see cref="Serve"/> last set, and records each request's Host (and
/// the TLS server name asked for) in <see cref="Requests"/>.
/// </summary>
public sealed class InsideWebServer : IDisposable
{
    private const string Script = """
        import http.server, os, ssl, sys
        folder, port = sys.argv[1], int(sys.argv[2])
        def record(line):
            with open(os.path.join(folder, "requests"), "a") as log:
                log.write(line + "\n")
        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                record(f"GET {self.headers.get('Host')} {self.path}")
                with open(os.path.join(folder, "serving")) as serving:
                    body = serving.read().encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            def log_message(self, *args):
                pass
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
        if len(sys.argv) > 3:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(sys.argv[3], sys.argv[4])
            context.sni_callback = lambda sock, name, ctx: record(f"SNI {name}")
            server.socket = context.wrap_socket(server.socket, server_side=True)
        print("listening", flush=True)
        server.serve_forever()
        """;

    private readonly Process _process;
    private readonly string _folder;

    private InsideWebServer(Process process, string folder)
    {
        _process = process;
        _folder = folder;
    }

    /// <summary>Plain http on port 80 inside <paramref name="sshd"/>'s namespace.</summary>
    public static InsideWebServer Http(LoopbackSshd sshd) => Start(sshd, "80");

    /// <summary>https on port 443 with <paramref name="certificate"/> and its key.</summary>
    public static InsideWebServer Https(LoopbackSshd sshd, string certificate, string key) => Start(sshd, "443", certificate, key);

    private static InsideWebServer Start(LoopbackSshd sshd, params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("inside-web-").FullName;
        File.WriteAllText(Path.Combine(folder, "serving"), "");
        File.WriteAllText(Path.Combine(folder, "requests"), "");
        var process = sshd.StartInside("/usr/bin/python3", ["-c", Script, folder, .. args]);
        var server = new InsideWebServer(process, folder);
        if (process.StandardOutput.ReadLine() != "listening")
        {
            var error = process.StandardError.ReadToEnd();
            server.Dispose();
            throw new InvalidOperationException("The web server inside did not start: " + error);
        }

        return server;
    }

    /// <summary>What every request is answered from now on.</summary>
    public void Serve(string body) => File.WriteAllText(Path.Combine(_folder, "serving"), body);

    public IReadOnlyList<string> Requests => File.ReadAllLines(Path.Combine(_folder, "requests"));

    public void Dispose()
    {
        LoopbackSshd.Stop(_process);
        Directory.Delete(_folder, recursive: true);
    }
}
