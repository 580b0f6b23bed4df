using Amazon;
using Amazon.EC2;
using Amazon.Runtime;
using Amazon.S3;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// A repository holding the shipped environments/emulator.json, run through the real task graph
/// against the run's emulator with the suite's own AWS client factory; and the AWS SDK's clients
/// on the same endpoint, for checking what was made without the suite's reading of it.
/// </summary>
public sealed class EmulatorRun : IDisposable
{
    public const string Environment = "emulator";

    private static readonly BasicAWSCredentials Credentials = new("emulator-key", "emulator-secret");

    private readonly TemporaryRepository _repository = new();

    public EmulatorRun(MotoServer server)
    {
        Server = server;
        foreach (var (variable, value) in new[]
                 {
                     ("CORALNET_EMULATOR_SECRET_KEY", "emulator-django-secret-key-0123456789"),
                     ("CORALNET_EMULATOR_DB_PASSWORD", "Emulator-db-passw0rd"),
                     ("CORALNET_EMULATOR_MASTER_PASSWORD", "Emulator-master-passw0rd"),
                 })
        {
            System.Environment.SetEnvironmentVariable(variable, value);
        }

        foreach (var file in new[] { "environments/emulator.json", "samples/emulator/operator.pub" })
        {
            var target = Path.Combine(Root, file);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(Path.Combine(SuiteRun.RepositoryRoot, file), target);
        }

        Ec2 = new AmazonEC2Client(Credentials, new AmazonEC2Config { ServiceURL = server.Url, AuthenticationRegion = "us-east-1" });
        S3 = new AmazonS3Client(Credentials, new AmazonS3Config { ServiceURL = server.Url, AuthenticationRegion = "us-east-1", ForcePathStyle = true });
    }

    public MotoServer Server { get; }

    public string Root => _repository.Root;

    public IAmazonEC2 Ec2 { get; }

    public IAmazonS3 S3 { get; }

    /// <summary>A fresh operator key pair in place of the shipped public key, for runs that reach an SSH step.</summary>
    public void WithOperatorKey()
    {
        var key = Path.Combine(Root, "samples", "emulator", "operator");
        File.Delete(key + ".pub");
        var start = new System.Diagnostics.ProcessStartInfo("ssh-keygen") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-q", "-t", "ed25519", "-N", "", "-C", "operator@emulator", "-f", key })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, process.StandardError.ReadToEnd());
    }

    /// <summary>The suite's program on a target of the emulator environment; its output is written to the test's log.</summary>
    public (int ExitCode, string Output) Run(params string[] arguments)
    {
        var (exitCode, output) = SuiteRun.RunWith(
            services => services.AddSingleton<IAwsConnector>(new AwsClientFactory(Credentials)),
            Root,
            [$"--environment={Environment}", $"--aws-endpoint={Server.Url}", .. arguments]);
        TestContext.Out.WriteLine($"--- {string.Join(' ', arguments)}: exit {exitCode}\n{output}");
        return (exitCode, output);
    }

    /// <summary>Runs a target that must succeed.</summary>
    public string Succeed(params string[] arguments)
    {
        var (exitCode, output) = Run(arguments);
        Assert.That(exitCode, Is.Zero, output);
        return output;
    }

    /// <summary>Runs a target that must succeed; returns its output and the AWS calls the emulator received from it.</summary>
    public (string Output, IReadOnlyList<EmulatorCall> Calls) SucceedRecorded(params string[] arguments)
    {
        var output = "";
        var calls = Server.Record(() => output = Succeed(arguments));
        TestContext.Out.WriteLine($"--- calls: {string.Join(", ", calls)}");
        return (output, calls);
    }

    /// <summary>Runs a target that must fail with <paramref name="message"/> in one clear line (no stack trace, no HTML), having made nothing.</summary>
    public void Refuses(string message, params string[] arguments)
    {
        var (exitCode, output) = Run(arguments);
        Assert.That(exitCode, Is.Not.Zero);
        Assert.That(output, Does.Contain(message));
        Assert.That(output, Does.Not.Contain("<html").IgnoreCase.And.Not.Contain("   at "));
        Assert.That(Boto("ec2", "describe_security_groups", new { Filters = new[] { new { Name = "tag:Project", Values = new[] { "coralnet" } } } })["SecurityGroups"]!.AsArray(), Is.Empty);
    }

    /// <summary>
    /// The emulator's answer to one AWS call made by boto3 (which moto's server depends on, so it is
    /// there wherever the emulator is), as JSON: for IAM and RDS, which the suite reaches through
    /// its own Query client rather than the AWS SDK.
    /// </summary>
    public System.Text.Json.Nodes.JsonNode Boto(string service, string operation, object? parameters = null)
    {
        const string Script = """
            import boto3, json, sys
            client = boto3.client(sys.argv[1], endpoint_url=sys.argv[4], region_name="us-east-1",
                                  aws_access_key_id="emulator-key", aws_secret_access_key="emulator-secret")
            reply = getattr(client, sys.argv[2])(**json.loads(sys.argv[3]))
            reply.pop("ResponseMetadata", None)
            print(json.dumps(reply, default=str))
            """;
        var start = new System.Diagnostics.ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "-c", Script, service, operation, System.Text.Json.JsonSerializer.Serialize(parameters ?? new { }), Server.Url })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, $"boto3 {service}.{operation}: {error}");
        return System.Text.Json.Nodes.JsonNode.Parse(output.Result)!;
    }

    public void Dispose()
    {
        Ec2.Dispose();
        S3.Dispose();
        _repository.Dispose();
    }
}
