using System.Diagnostics;
using System.Text.Json.Nodes;
using Amazon.Runtime;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
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

    private static (int ExitCode, string Output, string Errors) AskHelper(string directory, string registry) =>
        RunInNamespace(InNamespace, directory, registry, new Dictionary<string, string> { ["AWS_CA_BUNDLE"] = Path.Combine(directory, "cert.pem") });

    /// <summary>bash running <paramref name="script"/> (given the directory and <paramref name="argument"/>) in a new network and mount namespace, with the helper's AWS environment.</summary>
    private static (int ExitCode, string Output, string Errors) RunInNamespace(string script, string directory, string argument, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("unshare") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var item in new[] { "--net", "--mount", "--fork", "bash", "-c", script, "bash", directory, argument })
        {
            start.ArgumentList.Add(item);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        start.Environment["AWS_ACCESS_KEY_ID"] = "emulator-key";
        start.Environment["AWS_SECRET_ACCESS_KEY"] = "emulator-secret";
        start.Environment["AWS_EC2_METADATA_DISABLED"] = "true";
        start.Environment["AWS_ECR_DISABLE_CACHE"] = "1";
        start.Environment["HOME"] = directory;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Result, errors);
    }

    private static void MakeCertificate(string directory) => MakeCertificate(directory, ApiHost, "cert", "key");

    /// <summary>A self-signed certificate for <paramref name="name"/>: NAME.pem and its key NAME.key (or <paramref name="keyFile"/>.pem).</summary>
    private static void MakeCertificate(string directory, string host, string name, string? keyFile = null)
    {
        var start = new ProcessStartInfo("openssl") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[]
                 {
                     "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "1", "-subj", "/CN=" + host,
                     "-addext", "subjectAltName=DNS:" + host, "-keyout", Path.Combine(directory, keyFile is null ? name + ".key" : keyFile + ".pem"), "-out", Path.Combine(directory, name + ".pem"),
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

    /// <summary>
    /// The host's pull end to end in a namespace of its own: moto as ECR's API (127.0.0.1) and Debian's
    /// docker-registry as the account's registry (127.0.0.2, HTTPS, basic login AWS:moto's token, as ECR's
    /// registry takes it), an image pushed there, then PullImage's own script run twice with podman, the
    /// auth file ConfigureHost writes bound on /etc/containers; podman's storage the test's own.
    /// </summary>
    private const string PullInNamespace = """
        set -eu
        d=$1 image=$2
        ip link set lo up
        mount --bind "$d/hosts" /etc/hosts
        mount --bind "$d/etc-containers" /etc/containers
        python3 -m moto.server -H 127.0.0.1 -p 443 -c "$d/api.pem" -k "$d/api.key" > "$d/moto.log" 2>&1 &
        docker-registry serve "$d/registry.yml" > "$d/registry.log" 2>&1 &
        trap 'kill $(jobs -p)' EXIT
        for address in 127.0.0.1 127.0.0.2; do
          for _ in $(seq 150); do (exec 3<>"/dev/tcp/$address/443") 2>/dev/null && break; sleep 0.2; done
        done
        podman import --quiet "$d/layer.tar" "$image" > /dev/null
        podman push --quiet --authfile "$d/etc-containers/coralnet-auth.json" "$image"
        podman rmi --force "$image" > /dev/null
        if podman pull --quiet "$image" > /dev/null 2>&1; then echo anonymous; else echo refused; fi
        sh "$d/pull.sh"
        sh "$d/pull.sh"
        podman image exists "$image" && echo present
        """;

    [Test]
    public async Task PullImage_s_script_pulls_the_release_s_image_from_the_account_s_registry_with_the_helper_s_login_and_without_it_is_refused()
    {
        Assert.That(File.Exists(Helper), Is.True, $"{Helper} missing: apt-get install --no-install-recommends {ContainerHostPlan.EcrCredentialHelperPackage}");
        using var directory = new TempDirectory();
        var d = directory.Path;
        var settings = new DeploySettings
        {
            Environment = EmulatorRun.Environment,
            Provider = ProviderKind.Aws,
            Site = { Name = "coralnet", Root = "/srv/www", Runtime = SiteRuntime.Container },
            Aws = { Region = "us-east-1", Endpoint = Run.Server.Url },
        };
        using var services = new AwsClientFactory(new BasicAWSCredentials("emulator-key", "emulator-secret")).Connect(settings.Aws, new ListLog());
        var login = await services.Registry.GetLoginAsync(value => new Secret(value), CancellationToken.None);
        var created = await services.Registry.CreateRepositoryAsync(new("coralnet-emulator", "IMMUTABLE", ScanOnPush: true, new Dictionary<string, string>()), CancellationToken.None);
        var registry = HostRegistry.For(settings, created.Uri);
        const string Id = "20261202T080000Z-0123abcd";
        var image = registry.Image(Id);

        MakeCertificate(d, ApiHost, "api");
        MakeCertificate(d, registry.Address, "registry");
        directory.Write("hosts", $"127.0.0.1 localhost\n127.0.0.1 {ApiHost}\n127.0.0.2 {registry.Address}\n");
        directory.Write("etc-containers/policy.json", File.ReadAllText("/etc/containers/policy.json"));
        directory.Write("etc-containers/" + Path.GetFileName(HostEngine.Podman.RegistryAuth("coralnet")), ContainerTemplates.HostRegistryAuth(registry, registry.CredentialHelper!));
        directory.Write($"etc-containers/certs.d/{registry.Address}/ca.crt", File.ReadAllText(Path.Combine(d, "registry.pem")));
        directory.Write("storage.conf", $"[storage]\ndriver = \"vfs\"\ngraphroot = \"{d}/storage\"\nrunroot = \"{d}/run\"\n");
        directory.Write("containers.conf", $"[engine]\nevents_logger = \"file\"\nevents_logfile_path = \"{d}/events.log\"\ncgroup_manager = \"cgroupfs\"\n");
        directory.Write("htpasswd", $"{login.User}:{Bcrypt(login.Password.Reveal())}\n");
        directory.Write("registry.yml", $"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {d}/registry-data\nhttp:\n  addr: 127.0.0.2:443\n  tls:\n    certificate: {d}/registry.pem\n    key: {d}/registry.key\nauth:\n  htpasswd:\n    realm: ecr\n    path: {d}/htpasswd\n");
        directory.Write("layer/release", Id + "\n");
        Assert.That(TempDirectory.RunSh($"tar -C {d}/layer -cf {d}/layer.tar release").Code, Is.Zero);
        var pull = new ContainerReleaseCommands(new ReleaseCommands(new ReleasePaths("/srv/www", "coralnet")), HostEngine.Podman).Pull(Id, image, "", "", registry);
        directory.Write("pull.sh", pull.Steps[2].Script);

        var (exitCode, output, errors) = RunInNamespace(PullInNamespace, d, image, new Dictionary<string, string>
        {
            ["AWS_CA_BUNDLE"] = Path.Combine(d, "api.pem"),
            ["CONTAINERS_STORAGE_CONF"] = Path.Combine(d, "storage.conf"),
            ["CONTAINERS_CONF"] = Path.Combine(d, "containers.conf"),
        });

        Assert.That(exitCode, Is.Zero, output + errors + File.ReadAllText(Path.Combine(d, "registry.log")));
        Assert.That(output.Split('\n', StringSplitOptions.RemoveEmptyEntries), Is.EqualTo(new[] { "refused", "changed", "ok", "present" }),
            "no login, no image; the helper's login pulls it; a second run finds it there");
    }

    private static string Bcrypt(string password)
    {
        var (code, output, errors) = TempDirectory.RunSh("python3 -W ignore -c 'import crypt, sys; print(crypt.crypt(sys.stdin.read(), crypt.mksalt(crypt.METHOD_BLOWFISH)))'",
            stream => stream.Write(System.Text.Encoding.UTF8.GetBytes(password)));
        Assert.That(code, Is.Zero, errors);
        return output.Trim();
    }
}
