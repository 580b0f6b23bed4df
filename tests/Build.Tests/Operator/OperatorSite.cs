using System.Diagnostics;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Output;
using CoralNet.Deploy.Tests.Sandbox;
using CoralNet.Deploy.Tests.Support;

namespace CoralNet.Deploy.Tests.Operator;

/// <summary>
/// The site the operator sandbox tests work on: a copy of the sample kept in a git repository of its
/// own (so that a release records its commit), hooks that write their variables into files, and the
/// suite run against it on two sandbox web hosts (in process, as a program, or on a terminal).
/// </summary>
internal sealed class OperatorSite : IDisposable
{
    // Two web hosts, over http: a certificate from the ACME CA is issued for one web host (Tls.Mode acme refuses several).
    private static readonly string[] Hosts = ["--sandbox_webhosts=web1,web2", "--tls_mode=off"];
    private readonly string _hookOutput = Directory.CreateTempSubdirectory("operator-hooks-").FullName;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public OperatorSite()
    {
        (Settings, Secrets) = SandboxHosts.LoadSettings(new Dictionary<string, string> { ["Sandbox_WebHosts"] = "web1,web2", ["Tls_Mode"] = "off" });
        foreach (var hook in new[] { "pre-deploy", "post-deploy", "post-rollback" })
        {
            RecordingHook(hook);
        }
    }

    public DeploySettings Settings { get; }

    public SecretStore Secrets { get; }

    public string Folder { get; } = Release.SampleSiteCopy.Make("operator-site-");

    /// <summary>The hook writes the CORALNET_ variables it was given into a file <see cref="HookVariables"/> reads.</summary>
    public void RecordingHook(string name) => WriteHook(name, $"env | grep ^CORALNET_ | sort > {_hookOutput}/{name}.env");

    public string HookVariables(string name) => File.ReadAllText(Path.Combine(_hookOutput, name + ".env"));

    public void WriteHook(string name, string body)
    {
        var file = Path.Combine(Folder, "deploy/hooks", name);
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, "#!/bin/sh\nset -eu\n" + body + "\n");
        File.SetUnixFileMode(file, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    /// <summary>Commits every file of the site; the commit's id.</summary>
    public string Commit(string message)
    {
        foreach (var args in new[] { "init -q", "add -A", $"-c user.name=test -c user.email=test@example.org commit -q -m {message.Replace(' ', '-')}" })
        {
            Git(args);
        }

        return Git("rev-parse HEAD").Trim();
    }

    public (int ExitCode, string Output) Suite(params string[] args) =>
        SuiteRun.Run(SandboxHosts.RepositoryRoot, [.. args, .. Hosts, "--site_source=" + Folder]);

    public ProgramProcess.Result Program(params string[] args) => Program(new Dictionary<string, string?>(), args);

    public ProgramProcess.Result Program(IReadOnlyDictionary<string, string?> environment, params string[] args) =>
        ProgramProcess.Run(SandboxHosts.RepositoryRoot, environment, [.. args, .. Hosts, "--site_source=" + Folder]);

    /// <summary>The program started with its streams redirected, signals at their defaults (so that SIGINT stands for Ctrl-C).</summary>
    public Process StartProgram(params string[] args)
    {
        var start = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, WorkingDirectory = SandboxHosts.RepositoryRoot };
        foreach (var arg in new[] { SuiteProcess.DefaultSignals, "dotnet", ProgramProcess.Program }.Concat(args).Concat(Hosts).Append("--site_source=" + Folder))
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start)!;
    }

    /// <summary>Runs the program on a pseudo-terminal (util-linux script): its exit code and what the terminal showed.</summary>
    public (int ExitCode, string Output) OnTerminal(params string[] args)
    {
        var command = string.Join(' ', new[] { "dotnet", ProgramProcess.Program }.Concat(args).Concat(Hosts).Append("--site_source=" + Folder).Select(a => "'" + a.Replace("'", "'\\''") + "'"));
        var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = SandboxHosts.RepositoryRoot };
        foreach (var arg in new[] { "-qec", command, "/dev/null" })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        Assert.That(process.WaitForExit(TimeSpan.FromSeconds(120)), Is.True, "the interactive run ends");
        return (process.ExitCode, output.Result);
    }

    public string Address(string host) => SandboxHosts.For(Settings, Secrets).Addresses[host].Address.ToString();

    /// <summary>The site's answer (its body, trimmed) on one host's nginx.</summary>
    public async Task<string> GetAsync(string host, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"http://{Address(host)}{path}") { Headers = { Host = Settings.Site.Domain } };
        using var answer = await _http.SendAsync(request);
        return (await answer.Content.ReadAsStringAsync()).Trim();
    }

    public void Dispose()
    {
        _http.Dispose();
        Directory.Delete(Folder, recursive: true);
        Directory.Delete(_hookOutput, recursive: true);
    }

    private string Git(string args)
    {
        var start = new ProcessStartInfo("git") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Folder };
        foreach (var arg in args.Split(' '))
        {
            start.ArgumentList.Add(arg);
        }

        using var git = Process.Start(start)!;
        var output = git.StandardOutput.ReadToEnd();
        git.WaitForExit();
        Assert.That(git.ExitCode, Is.Zero, git.StandardError.ReadToEnd());
        return output;
    }
}
