using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>
/// What starts the site after a reboot: the host runtime's sockets (enabled once, both), or for Site.Runtime
/// container the serving slot's instance only, enabled where the cutover marks it serving. The script runs with
/// the local sh against a systemctl standing in as a small script that keeps each unit's enablement as a file.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SlotBootTests
{
    private static readonly SiteSettings Containers = new() { Name = "coralnet", Root = "/srv/www", Runtime = SiteRuntime.Container };
    private static readonly ReleaseCommands Commands = new(new ReleasePaths("/srv/www", "coralnet"));

    [Test]
    public void A_container_slot_unit_can_be_enabled_for_boot_and_only_the_container_runtime_moves_it_with_the_serving_mark()
    {
        foreach (var engine in HostEngine.All)
        {
            Assert.That(SiteTemplates.ContainerService(Containers, Commands.Paths, engine), Does.Match(@"\n\[Install\]\n(#[^\n]*\n)*WantedBy=multi-user\.target\n$").And.Contain("\nBefore=nginx.service\n"), engine.Name);
        }

        Assert.That(new SlotUnits(Containers, Commands).Serve(8002).Select(c => c.Summary), Is.EqualTo(new[] { "mark slot 8002 serving", "slot 8002 starts at boot" }));
        Assert.That(new SlotUnits(Containers, Commands).Serve(null).Select(c => c.Summary), Is.EqualTo(new[] { "unmark the serving slot", "no slot starts at boot" }));
        Assert.That(new SlotUnits(new SiteSettings { Name = "coralnet", Root = "/srv/www" }, Commands).Serve(8002).Select(c => c.Summary), Is.EqualTo(new[] { "mark slot 8002 serving" }),
            "the host runtime's sockets, enabled once, start whichever instance nginx asks");
    }

    [Test]
    public void The_marks_agree_with_nginx_when_its_slot_is_marked_serving_and_for_containers_the_only_one_started_at_boot()
    {
        var host = new SlotUnits(new SiteSettings { Name = "coralnet", Root = "/srv/www" }, Commands);
        var containers = new SlotUnits(Containers, Commands);
        ReleaseListing Listing(int? serving, params int[] boot) => new([], null, new Dictionary<int, string>(), serving) { BootSlots = boot };

        Assert.That(new[]
        {
            host.Agree(Listing(8001), 8001), host.Agree(Listing(8002, 8002), 8001),
            containers.Agree(Listing(8001, 8001), 8001), containers.Agree(Listing(8001), 8001), containers.Agree(Listing(8001, 8001, 8002), 8001), containers.Agree(Listing(8002, 8001), 8001),
        }, Is.EqualTo(new[] { true, false, true, false, false, false }));
    }

    [Test]
    public void Only_the_serving_slot_is_enabled_and_a_second_run_changes_nothing()
    {
        using var host = new TempDirectory();
        // systemctl as the script sees it: a unit is enabled while a file of its name exists.
        host.Write("bin/systemctl", $$"""
            #!/bin/sh
            verb=$1; shift; [ "$1" = --quiet ] && shift
            case "$verb" in
              is-enabled) if [ -e {{host.Path}}/enabled/"$1" ]; then echo enabled; else echo disabled; exit 1; fi ;;
              enable) touch {{host.Path}}/enabled/"$1" ;;
              disable) rm -f {{host.Path}}/enabled/"$1" ;;
              *) exit 2 ;;
            esac
            """);
        File.SetUnixFileMode(Path.Combine(host.Path, "bin/systemctl"), (UnixFileMode)Convert.ToInt32("755", 8));
        host.Write("enabled/coralnet-gunicorn@8001.service", "");
        string Run(int? serving, params int[] standby)
        {
            var (code, output, errors) = TempDirectory.RunSh($"PATH={Shell.Quote(host.Path + "/bin")}:$PATH\n" + Commands.Cutover.StartAtBoot(serving, standby).Script);
            Assert.That(code, Is.Zero, output + errors);
            return output.Trim();
        }

        string[] Enabled() => [.. Directory.GetFiles(Path.Combine(host.Path, "enabled")).Select(Path.GetFileName).Order()!];

        Assert.That(Run(8002, 8001), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Enabled(), Is.EqualTo(new[] { "coralnet-gunicorn@8002.service" }), "the cutover moved boot's start to the new serving slot");
        Assert.That(Run(8002, 8001), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(Run(null, 8001, 8002), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Enabled(), Is.Empty, "nothing serves (a first deploy undone): nothing starts at boot");
    }
}
