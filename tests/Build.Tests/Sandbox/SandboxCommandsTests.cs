using System.Net;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Sandbox;

public sealed class SandboxCommandsTests
{
    private static readonly SandboxLayout Layout = new("/state", "/state/id_ed25519", "/state/known_hosts");

    [Test]
    public void Nspawn_gets_the_flags_a_machine_without_systemd_as_PID_1_needs()
    {
        var command = SandboxCommands.Nspawn("/state/hosts/web1/root", "web1");

        Assert.That(command.ToString(), Is.EqualTo(
            "systemd-nspawn --boot --register=no --keep-unit --console=read-only -D /state/hosts/web1/root -M web1 "
            + "--network-namespace-path=/run/netns/web1 --resolv-conf=off --link-journal=no --capability=CAP_NET_ADMIN"));
    }

    [Test]
    public void A_host_that_runs_containers_gets_the_unified_hierarchy_a_writable_proc_sys_net_keyring_and_bpf_calls_and_its_own_storage_for_each_engine()
    {
        var command = SandboxCommands.Nspawn("/state/hosts/web1/root", "web1", Layout.HostEngineStorage("web1"));

        Assert.That(command.Arguments.TakeLast(3), Is.EqualTo(new[]
        {
            "--system-call-filter=@keyring bpf", "--bind=/state/hosts/web1/containers:/var/lib/containers", "--bind=/state/hosts/web1/docker:/var/lib/docker",
        }));
        Assert.That(command.Environment, Is.EqualTo(new Dictionary<string, string> { ["SYSTEMD_NSPAWN_UNIFIED_HIERARCHY"] = "1", ["SYSTEMD_NSPAWN_API_VFS_WRITABLE"] = "network" }));
        var words = SandboxCommands.Supervise("/repo/tools/sandbox-supervisor.sh", Layout, "web1", runsContainers: true).Arguments.ToList();
        Assert.That(words.SkipWhile(w => w != "--").Skip(1).Take(4), Is.EqualTo(new[] { "env", "SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1", "SYSTEMD_NSPAWN_API_VFS_WRITABLE=network", "systemd-nspawn" }));
        Assert.That(words, Does.Contain("--bind=/state/hosts/web1/containers:/var/lib/containers").And.Contain("--bind=/state/hosts/web1/docker:/var/lib/docker"));
    }

    [Test]
    public void A_host_runs_detached_under_the_supervisor_in_its_own_cgroups()
    {
        var words = SandboxCommands.Supervise("/repo/tools/sandbox-supervisor.sh", Layout, "web1").Arguments.ToList();

        Assert.That(words.Take(2), Is.EqualTo(new[] { "-f", "sh" }));
        var script = words.IndexOf("/repo/tools/sandbox-supervisor.sh");
        Assert.That(words.Skip(script + 1).TakeWhile(w => w != "--"), Is.EqualTo(new[]
        {
            "web1", "/state/hosts/web1/supervisor.pid", "/state/hosts/web1/nspawn.pid",
            "/sys/fs/cgroup/systemd/coralnet-sandbox/web1", "/sys/fs/cgroup/unified/coralnet-sandbox/web1",
        }));
        Assert.That(words.SkipWhile(w => w != "--").Skip(1), Is.EqualTo(SandboxCommands.Nspawn("/state/hosts/web1/root", "web1").Arguments.Prepend("systemd-nspawn")));
        Assert.That(words, Does.Contain("/state/hosts/web1/console.log"));
    }

    [Test]
    public void A_host_network_is_a_netns_with_eth0_on_the_bridge_and_no_default_route()
    {
        var host = new SandboxHost("web1", IPAddress.Parse("10.213.0.89"), false);

        var commands = SandboxCommands.CreateHostNetwork(host).Select(c => c.ToString()).ToList();

        Assert.That(commands, Is.EqualTo(new[]
        {
            "ip netns add web1",
            "ip link add vsb-web1 type veth peer name eth0 netns web1",
            "ip link set vsb-web1 master coralsbx0 up",
            "ip -n web1 addr add 10.213.0.89/24 dev eth0",
            "ip -n web1 link set eth0 up",
            "ip -n web1 link set lo up",
        }));
        Assert.That(commands, Has.None.Contains("route"));
    }

    [Test]
    public void Ssh_always_checks_the_host_key_against_the_sandbox_known_hosts()
    {
        var command = SandboxCommands.Ssh(Layout, IPAddress.Parse("10.213.0.89"), "hostname");

        Assert.That(command.Arguments, Does.Contain("StrictHostKeyChecking=yes"));
        Assert.That(command.Arguments, Does.Contain("UserKnownHostsFile=/state/known_hosts"));
        Assert.That(command.ToString(), Does.Not.Contain("StrictHostKeyChecking=no"));
        Assert.That(command.Arguments.TakeLast(2), Is.EqualTo(new[] { "root@10.213.0.89", "hostname" }));
    }

    [Test]
    public void Debootstrap_builds_a_minimal_base_through_the_proxy()
    {
        var command = SandboxCommands.Debootstrap("/state/base.partial", "http://mirror.invalid/debian", "http://127.0.0.1:3142", "bookworm", ["systemd", "openssh-server"]);

        Assert.That(command.ToString(), Is.EqualTo(
            "http_proxy=http://127.0.0.1:3142 debootstrap --variant=minbase --include=systemd,openssh-server bookworm /state/base.partial http://mirror.invalid/debian"));
    }

    [Test]
    public void Detaching_keeps_the_environment_of_the_command()
    {
        var command = SandboxCommands.Detached("/log", new LocalCommand("prog", "a") { Environment = new Dictionary<string, string> { ["X"] = "1" } });

        Assert.That(command.Arguments.TakeLast(4), Is.EqualTo(new[] { "env", "X=1", "prog", "a" }));
    }

    [Test]
    public void A_command_shows_quoted_words_and_never_its_standard_input()
    {
        var command = new LocalCommand("sh", "-c", "echo 'hi there'") { Input = "s3cret-input" };

        Assert.That(command.ToString(), Is.EqualTo("sh -c 'echo '\\''hi there'\\'''"));
        Assert.That(command.ToString(), Does.Not.Contain("s3cret"));
    }

    [Test]
    public void The_database_script_reads_the_password_from_standard_input_and_admits_only_the_subnet()
    {
        var script = DatabaseHostSetup.Script(IPAddress.Parse("10.213.0.101"), IPNetwork.Parse("10.213.0.0/24"), "postgres", 5432);

        Assert.That(script, Does.Contain("IFS= read -r verifier"));
        Assert.That(script, Does.Contain("host all all 10.213.0.0/24 scram-sha-256"));
        Assert.That(script, Does.Contain("listen_addresses = 'localhost,10.213.0.101'"));
        Assert.That(script, Does.Contain("runuser -u postgres -- psql"));
    }

    [Test]
    public void Every_host_knows_its_own_name_on_127_0_1_1_and_the_others_by_address()
    {
        var web = new SandboxHost("web1", IPAddress.Parse("10.213.0.89"), false);
        var db = new SandboxHost("db1", IPAddress.Parse("10.213.0.101"), true);

        var hosts = HostLifecycle.HostsFile(web, [web, db]);

        Assert.That(hosts, Does.Contain("127.0.1.1\tweb1\n"));
        Assert.That(hosts, Does.Contain("10.213.0.101\tdb1\n"));
        Assert.That(hosts, Does.Not.Contain("10.213.0.89"));
    }
}
