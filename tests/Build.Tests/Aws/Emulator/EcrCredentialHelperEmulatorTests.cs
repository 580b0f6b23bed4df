using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Aws.Emulator;

/// <summary>
/// Debian's docker-credential-ecr-login (0.6.0, what the AWS web hosts run for the credHelpers entry
/// ConfigureHost writes) asked for the login of the account's registry, against moto. The helper has no
/// endpoint setting (its AWS SDK predates AWS_ENDPOINT_URL): it always calls
/// https://api.ecr.REGION.amazonaws.com. So it runs in a network and mount namespace of its own, where
/// that name is 127.0.0.1 (/etc/hosts bound over) and moto answers there on 443 with a certificate the
/// helper trusts through AWS_CA_BUNDLE; nothing leaves the namespace.
/// </summary>
public sealed class EcrCredentialHelperEmulatorTests : EmulatorTests
{
    private const string Helper = "/usr/bin/docker-credential-ecr-login";
    private const string ApiHost = "api.ecr.us-east-1.amazonaws.com";

    /// <summary>Brings up the namespace's loopback, names the API host there, starts moto with TLS on 443 and asks the helper for REGISTRY's login.</summary>
    private const string InNamespace = """
        set -eu
        ip link set lo up
        mount --bind "$1/hosts" /etc/hosts
        python3 -m moto.server -H 127.0.0.1 -p 443 -c "$1/cert.pem" -k "$1/key.pem" > "$1/moto.log" 2>&1 &
        for _ in $(seq 150); do (exec 3<>/dev/tcp/127.0.0.1/443) 2>/dev/null && break; sleep 0.2; done
        status=0
        printf '%s' "$2" | docker-credential-ecr-login get || status=$?
        kill $!
        exit $status
        """;

    private static (int ExitCode, string Output, string Errors) AskHelper(string directory, string registry)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--net", "--mount", "--fork", "bash", "-c", InNamespace, "bash", directory, registry })
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "emulator-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "emulator-secret";
        start.Environment["AWS_CA_BUNDLE"] = Path.Combine(directory, "cert.pem");
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ECR_DISABLE_CACHE"] = "1";
        start.Environment["HOME"] = directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    private static void MakeCertificate(string directory)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + ApiHost,
                     "-addext", "subjectAltName=DNS:" + ApiHost, "-keyout", Path.Combine(directory, "key.pem"), "-out", Path.Combine(directory, "cert.pem"),
                 })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        Assert.That(process.ExitCode, Is.Zero, errors.Result);
    }

    [Test]
    public async Task The_hosts_credential_helper_gets_the_same_login_for_the_account_s_registry_as_the_suite_pushes_with()
    {
        Assert.That(File.Exists(Helper), Is.True, $"{Helper} missing: apt-get install --no-install-recommends {ContainerHostPlan.EcrCredentialHelperPackage} (the Test target installs it)");
        using var directory = new TempDirectory();
        MakeCertificate(directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, "hosts"), $"127.0.0.1 localhost\n127.0.0.1 {ApiHost}\n");
        var settings = new DeploySettings
        {
            Environment = EmulatorRun.Environment,
            Provider = ProviderKind.Aws,
            Site = { Name = "coralnet", Runtime = SiteRuntime.Container },
            Aws = { Region = "us-east-1", Endpoint = Run.Server.Url },
        };
        using var services = new AwsClientFactory(new BasicAWSCredentials("emulator-key", "emulator-secret")).Connect(settings.Aws, new ListLog());
        var login = await services.Registry.GetLoginAsync(value => new Secret(value), CancellationToken.None);
        var created = await services.Registry.CreateRepositoryAsync(new("coralnet-emulator", "IMMUTABLE", ScanOnPush: true, new Dictionary<string, string>()), CancellationToken.None);
        var registry = HostRegistry.For(settings, created.Uri);
        // What the engine does with the auth file ConfigureHost writes: the helper named for the registry's address, the address on its standard input.
        var helper = JsonNode.Parse(ContainerTemplates.HostRegistryAuth(registry, registry.CredentialHelper!))!["credHelpers"]![registry.Address]!.GetValue<string>();
        Assert.That("/usr/bin/docker-credential-" + helper, Is.EqualTo(Helper));

        var (exitCode, output, errors) = AskHelper(directory.Path, registry.Address);

        Assert.That(exitCode, Is.Zero, output + errors + File.ReadAllText(Path.Combine(directory.Path, "moto.log")));
        var answer = JsonNode.Parse(output)!;
        Assert.That(answer["Username"]!.GetValue<string>(), Is.EqualTo(login.User).And.EqualTo("AWS"));
        Assert.That(answer["Secret"]!.GetValue<string>(), Is.EqualTo(login.Password.Reveal()).And.Not.Empty);
        Assert.That(File.ReadAllText(Path.Combine(directory.Path, "moto.log")), Does.Contain("POST / HTTP/1.1\" 200"), "the helper's call was moto's");
    }

    [Test]
    public void The_credential_helper_refuses_a_registry_that_is_not_ECR_s()
    {
        Assert.That(File.Exists(Helper), Is.True, $"{Helper} missing: apt-get install --no-install-recommends {ContainerHostPlan.EcrCredentialHelperPackage}");
        using var directory = new TempDirectory();
        MakeCertificate(directory.Path);
        File.WriteAllText(Path.Combine(directory.Path, "hosts"), $"127.0.0.1 localhost\n127.0.0.1 {ApiHost}\n");

        var (exitCode, output, errors) = AskHelper(directory.Path, "10.213.0.1:5100");

        Assert.That(exitCode, Is.Not.Zero, output);
        Assert.That(output + errors, Does.Contain("credentials not found"));
    }
}
