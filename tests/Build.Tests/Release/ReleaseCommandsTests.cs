using CoralNet.Deploy.Container;
using CoralNet.Deploy.Release;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>The host scripts, checked as text and run for real with the local sh, tar and coreutils against a temporary root.</summary>
public sealed class ReleaseCommandsTests
{
    private static readonly DateTimeOffset Monday = new(2026, 11, 23, 10, 0, 0, TimeSpan.Zero);

    /// <summary>Paths for scripts run on this machine, which has no coralnet user: the site's user is nobody.</summary>
    private static ReleasePaths LocalPaths(string root) => new(root, "coralnet") { SiteUser = "nobody", SiteGroup = "nogroup" };

    [Test]
    public void SwitchCurrentIsANewLinkMovedOverTheOldOne()
    {
        var commands = new ReleaseCommands(new ReleasePaths("/srv/www", "coralnet"));

        Assert.That(commands.Cutover.SwitchCurrent("20261125T234501Z-3f2a9c1b").Script, Is.EqualTo("""
            set -eu
            link='/srv/www/coralnet/current'
            if [ ! -d '/srv/www/coralnet/releases/20261125T234501Z-3f2a9c1b' ]; then echo "there is no release 20261125T234501Z-3f2a9c1b on this host" >&2; exit 1; fi
            if [ "$(readlink "$link" 2>/dev/null || true)" = 'releases/20261125T234501Z-3f2a9c1b' ]; then echo ok; exit 0; fi
            ln -sfn 'releases/20261125T234501Z-3f2a9c1b' "$link.new"
            mv -T "$link.new" "$link"
            echo changed
            """));
    }

    [Test]
    public void LinkUnchangedIsOneBatchNamingOnlyTheFilesNotToLink()
    {
        var commands = new ReleaseCommands(new ReleasePaths("/srv/www/", "coralnet"));

        var script = commands.LinkUnchanged("20261125T234501Z-3f2a9c1b", "20261124T101010Z-00112233", ["it's changed.py", "gone.py"]).Script;

        Assert.That(script, Is.EqualTo("""
            set -eu
            new='/srv/www/coralnet/releases/20261125T234501Z-3f2a9c1b'
            previous='/srv/www/coralnet/releases/20261124T101010Z-00112233'
            printf '%s\n' 'it'\''s changed.py' 'gone.py' > "$new/.release/drop"
            awk -F '\t' 'FILENAME == ARGV[1] { drop[$0] = 1; next } !($1 in drop)' "$new/.release/drop" "$previous/.release/manifest" > "$new/.release/kept"
            cut -f 1 "$new/.release/kept" | tr '\n' '\0' | (cd "$previous" && xargs -0r cp -l --parents -t "$new" --)
            rm -f "$new/.release/drop"
            echo changed
            """));
    }

    [Test]
    public void RemoveReleasesNamesOnlyValidIds()
    {
        var commands = new ReleaseCommands(new ReleasePaths("/srv/www", "coralnet"));

        Assert.That(commands.RemoveReleases([]).Script, Is.EqualTo("echo ok"));
        Assert.That(() => commands.RemoveReleases(["../../etc"]), Throws.TypeOf<ReleaseException>());
    }

    [Test]
    public void SecretInputPrintsMasked()
    {
        var commands = new ReleaseCommands(new ReleasePaths("/srv/www", "coralnet"));
        var script = commands.Files.WriteEnvironmentFile(new CommandInput.SecretText(new Secret("SECRET_KEY=\"hunter2hunter2\"")));

        Assert.That(script.ToString(), Does.Not.Contain("hunter2"));
        Assert.That(script.Script, Does.Contain("chmod 0640").And.Contain("chown root:coralnet").And.Not.Contain("hunter2"));
    }

    [Test]
    public void UploadsAFirstReleaseThenOnlyTheChangeLinkingTheRest()
    {
        using var site = new TempDirectory();
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        site.Write("project/manage.py", "print('manage')\n");
        site.Write("project/app/views.py", "v1\n");
        site.Write("project/app/gone.py", "gone\n");
        site.Write("odd name's dir/-dash.txt", "odd\n");

        var first = Upload(commands, site.Path, Monday, previous: null);
        var firstDir = commands.Paths.Release(first.Id);
        Assert.That(File.ReadAllText(Path.Combine(firstDir, "project/app/views.py")), Is.EqualTo("v1\n"));
        Assert.That(File.ReadAllText(Path.Combine(firstDir, ".release/manifest")), Is.EqualTo(first.Manifest.ToText()));
        Assert.That(File.ReadAllText(Path.Combine(firstDir, ".release/env")), Is.EqualTo($"RELEASE_ID={first.Id}\n"));

        site.Write("project/app/views.py", "v2\n");
        site.Write("project/app/new.py", "new\n");
        File.Delete(Path.Combine(site.Path, "project/app/gone.py"));
        var second = Upload(commands, site.Path, Monday.AddHours(1), first);
        var secondDir = commands.Paths.Release(second.Id);

        Assert.That(second.Sent, Is.EqualTo(new[] { "project/app/new.py", "project/app/views.py" }));
        Assert.That(File.ReadAllText(Path.Combine(secondDir, "project/app/views.py")), Is.EqualTo("v2\n"));
        Assert.That(File.ReadAllText(Path.Combine(firstDir, "project/app/views.py")), Is.EqualTo("v1\n"), "the previous release is untouched");
        Assert.That(File.Exists(Path.Combine(secondDir, "project/app/gone.py")), Is.False);
        Assert.That(Inode(Path.Combine(secondDir, "project/manage.py")), Is.EqualTo(Inode(Path.Combine(firstDir, "project/manage.py"))), "unchanged files are hard links");
        Assert.That(Inode(Path.Combine(secondDir, "odd name's dir/-dash.txt")), Is.EqualTo(Inode(Path.Combine(firstDir, "odd name's dir/-dash.txt"))));
        Assert.That(File.ReadAllText(Path.Combine(secondDir, ".release/manifest")), Is.EqualTo(second.Manifest.ToText()));
        Assert.That(Directory.GetFiles(Path.Combine(secondDir, ".release")).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "env", "manifest" }));
    }

    [Test]
    public void VerifyFailsWhenAFileOnTheHostDiffers()
    {
        using var site = new TempDirectory();
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        site.Write("a.txt", "a\n");
        site.Write("b.txt", "b\n");
        var first = Upload(commands, site.Path, Monday, previous: null);
        File.AppendAllText(Path.Combine(commands.Paths.Release(first.Id), "a.txt"), "tampered");

        site.Write("b.txt", "b2\n");
        var snapshot = SiteSnapshot.Take(site.Path);
        var id = ReleaseId.Create(Monday.AddHours(1), snapshot.Manifest);
        var diff = snapshot.Manifest.CompareWith(first.Manifest);
        var upload = commands.Upload(id, first.Id, diff, snapshot.Manifest.ContentHash(), s => ReleaseTar.Write(s, snapshot, id, diff, Monday));
        var result = TempDirectory.RunSh(upload.Script, upload.Input.WriteTo);

        Assert.That(result.Code, Is.Not.Zero);
        Assert.That(result.Output + result.Errors, Does.Contain("a.txt: FAILED"));
    }

    [Test]
    public void SwitchingCurrentAndListingReleases()
    {
        using var site = new TempDirectory();
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        site.Write("a.txt", "1");
        var first = Upload(commands, site.Path, Monday, previous: null);
        site.Write("a.txt", "2");
        var second = Upload(commands, site.Path, Monday.AddDays(1), first);
        site.Write("a.txt", "3");
        var unfinished = Upload(commands, site.Path, Monday.AddDays(2), second);
        Assert.That(Run(commands.MarkComplete(first.Id)), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.MarkComplete(first.Id)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(Run(commands.MarkComplete(second.Id)), Is.EqualTo(RemoteCommand.Changed));

        Assert.That(Run(commands.Cutover.SwitchCurrent(first.Id)), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Cutover.SwitchCurrent(first.Id)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(Run(commands.Cutover.SwitchCurrent(second.Id)), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Cutover.PointSlot(8002, second.Id)), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Cutover.MarkServingSlot(8002)), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Cutover.MarkServingSlot(8002)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(File.ReadAllText(Path.Combine(commands.Paths.Current, "a.txt")), Is.EqualTo("2"));
        Assert.That(TempDirectory.RunSh(commands.Cutover.SwitchCurrent("20200101T000000Z-00000000").Script).Errors, Does.Contain("no release 20200101T000000Z-00000000"));

        var listing = ReleaseListing.Parse(TempDirectory.RunSh(commands.ListReleases().Script).Output);

        Assert.That(listing, Has.Property("Current").EqualTo(second.Id).And.Property("Previous").EqualTo(first.Id).And.Property("ServingSlot").EqualTo(8002));
        Assert.That(listing.Releases, Is.EqualTo(new[] { first.Id, second.Id }), "the complete releases");
        Assert.That(listing.Incomplete, Is.EqualTo(new[] { unfinished.Id }), "never marked complete");
        Assert.That(listing.CurrentContent, Is.EqualTo(second.Manifest.ContentHash()));
        Assert.That(listing.Slots, Is.EqualTo(new Dictionary<int, string> { [8002] = second.Id }));
        Assert.That(listing.Describe(), Is.EqualTo(new[] { $"* {second.Id}  [gunicorn :8002, serving]", $"  {first.Id}" }));
    }

    [Test]
    public void The_listing_reads_the_port_nginx_proxies_to_and_the_instances_enabled_at_boot()
    {
        using var host = new TempDirectory();
        var paths = LocalPaths(host.Path) with { NginxAvailable = host.Path + "/nginx/coralnet", BootUnits = host.Path + "/wants" };
        var commands = new ReleaseCommands(paths);
        Directory.CreateDirectory(paths.Slots);
        ReleaseListing Listing() => ReleaseListing.Parse(TempDirectory.RunSh(commands.ListReleases().Script).Output);
        Assert.That((Listing().ProxiedSlot, Listing().BootSlots), Is.EqualTo(((int?)null, Array.Empty<int>())), "no site, nothing enabled");

        host.Write("nginx/coralnet", SiteTemplates.NginxSite(new SiteSettings { Name = "coralnet", Root = host.Path, Domain = "coralnet.example.org" }, new TlsSettings { Mode = TlsMode.Off }, paths, 8002, servesTls: false));
        host.Write("wants/coralnet-gunicorn@8001.service", "");
        File.CreateSymbolicLink(host.Path + "/wants/coralnet-gunicorn@8002.service", "/etc/systemd/system/coralnet-gunicorn@.service");
        File.CreateSymbolicLink(host.Path + "/wants/other-gunicorn@8003.service", "/etc/systemd/system/other-gunicorn@.service");

        Assert.That((Listing().ProxiedSlot, Listing().BootSlots), Is.EqualTo(((int?)8002, new[] { 8002 })), "only the site's own links count, as systemctl enable makes them");
    }

    [Test]
    public void Removing_releases_removes_the_venvs_no_release_left_links_to()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        const string gone = "20261120T000000Z-aaaaaaaa", kept = "20261121T000000Z-bbbbbbbb";
        foreach (var (release, venv) in new[] { (gone, "py3.11.2-old"), (kept, "py3.11.2-new") })
        {
            host.Write($"coralnet/shared/venvs/{venv}/.complete", "");
            Directory.CreateDirectory(commands.Paths.Release(release));
            File.CreateSymbolicLink(commands.Paths.Release(release) + "/venv", $"{commands.Paths.Venvs}/{venv}");
        }

        Assert.That(Run(commands.RemoveReleases([gone])), Is.EqualTo(RemoteCommand.Changed));

        Assert.That(Directory.Exists(commands.Paths.Release(gone)), Is.False);
        Assert.That(Directory.Exists(commands.Paths.Release(kept)), Is.True);
        Assert.That(Directory.GetDirectories(commands.Paths.Venvs).Select(Path.GetFileName), Is.EqualTo(new[] { "py3.11.2-new" }), "the venv of the kept release only");
    }

    [TestCaseSource(typeof(HostEngine), nameof(HostEngine.All))]
    public void The_container_migrate_state_names_the_layers_under_the_app_s_so_that_only_a_rebuilt_base_or_packages_change_it(HostEngine engine)
    {
        using var host = new TempDirectory();
        var containers = new ContainerReleaseCommands(new ReleaseCommands(LocalPaths(host.Path)), engine);
        host.Write("shared/migrated-container-coralnet", "stamp\n");
        // The engine as the script sees it: the image's layers, base first, the app's code last (LAYERS in the environment).
        host.Write("bin/" + engine.Name, "#!/bin/sh\n[ \"$1 $2\" = 'image inspect' ] || exit 2\nprintf '%s\\n' $LAYERS\n");
        File.SetUnixFileMode(Path.Combine(host.Path, "bin", engine.Name), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        string State(string layers) => MigrationStamp.Parse(TempDirectory.RunSh(
            $"PATH={Shell.Quote(host.Path + "/bin")}:$PATH LAYERS={Shell.Quote(layers)}; export LAYERS\n" + containers.MigrateState("coralnet", "reg/coralnet:1").Script).Output)!.RanOn;

        var release = State("sha256:base sha256:packages sha256:app1");

        Assert.That(release, Does.Match("^[0-9a-f]{64}$"));
        Assert.That(State("sha256:base sha256:packages sha256:app2"), Is.EqualTo(release), "a release changing only the code");
        Assert.That(State("sha256:base2 sha256:packages sha256:app1"), Is.Not.EqualTo(release), "a rebuilt base");
        Assert.That(State(""), Is.Empty, "an image that cannot be read names nothing (migrate is then sent)");
    }

    [Test]
    public void Removing_releases_removes_the_site_s_images_no_release_names_in_the_sandbox_s_registry_and_in_the_ECR_repository()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        const string gone = "20261120T000000Z-aaaaaaaa", kept = "20261121T000000Z-bbbbbbbb";
        const string ecr = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/coralnet-production:";
        Directory.CreateDirectory(commands.Paths.Release(gone));
        Directory.CreateDirectory(commands.Paths.Release(kept) + "/.release");
        File.WriteAllText(commands.Paths.Release(kept) + "/.release/image", $"IMAGE={ecr}{kept}\n");
        // podman as the script sees it: these images listed, each rmi recorded.
        host.Write("bin/podman", $"#!/bin/sh\ncase \"$1\" in\n  images) printf '%s\\n' '{ecr}{gone}' '{ecr}{kept}' '10.213.0.1:5100/coralnet:{gone}' 'localhost/coralnet-base:1' ;;\n  rmi) echo \"$2\" >> {host.Path}/removed ;;\nesac\n");
        File.SetUnixFileMode(Path.Combine(host.Path, "bin/podman"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var remove = commands.RemoveReleases([gone]);

        var (code, output, errors) = TempDirectory.RunSh($"PATH={Shell.Quote(host.Path + "/bin")}:$PATH\n" + remove.Script);

        Assert.That(code, Is.Zero, output + errors);
        Assert.That(File.ReadAllLines(Path.Combine(host.Path, "removed")), Is.EquivalentTo(new[] { ecr + gone, "10.213.0.1:5100/coralnet:" + gone }));
    }

    [Test]
    public void An_upload_that_would_not_fit_is_refused_with_both_numbers_before_anything_is_written()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path + "/not-made-yet"));
        const string id = "20261120T000000Z-aaaaaaaa";

        var refused = TempDirectory.RunSh(commands.CheckFreeSpace(id, long.MaxValue / 2).Script);

        Assert.That(refused.Code, Is.EqualTo(ReleaseCommands.NoSpace));
        Assert.That(refused.Errors, Does.Match($@"release {id} does not fit in {host.Path}: it needs \d+ MiB \(\d+ bytes\), \d+ MiB \(\d+ bytes\) are free"));
        Assert.That(Run(commands.CheckFreeSpace(id, 4096)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(Directory.Exists(host.Path + "/not-made-yet"), Is.False, "nothing written");
        Assert.That(ReleaseCommands.SpaceNeeded(new ManifestDiff([new("a", 1, "0644", "x"), new("b", 5000, "0644", "y")], [], [new("c", 1_000_000, "0644", "z")], [])),
            Is.EqualTo(4096 + 8192 + ReleaseCommands.ReleaseOverheadBytes), "new and changed files in whole blocks; linked ones take none");
    }

    [Test]
    public void DeployLockIsTakenOnceNamesItsHolderAndIsReleasedOnlyByIt()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        var alice = new DeployLockHolder("alice", "laptop", 100, Monday, "20261123T100000Z-aaaaaaaa");
        var bob = new DeployLockHolder("bob", "desk", 200, Monday, "20261123T100000Z-bbbbbbbb");

        Assert.That(Run(commands.Locks.Lock(alice, 0)), Is.EqualTo(RemoteCommand.Ok), "the run's own lock is no change of the host");
        Assert.That(Directory.Exists(commands.Paths.Lock), Is.True, "but it is taken");
        var refused = TempDirectory.RunSh(commands.Locks.Lock(bob, 0).Script);
        Assert.That(refused.Code, Is.EqualTo(75));
        Assert.That(refused.Errors, Does.Contain("host=laptop process=100 user=alice started=2026-11-23T10:00:00Z release=20261123T100000Z-aaaaaaaa").And.Contain("--lock-wait").And.Contain("--take-over-lock"));
        Assert.That(refused.Errors, Does.Contain(DeployLockCommands.RecordLine + Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(alice + "\n"))), "the holder record, for a takeover");
        Assert.That(DeployLockHolder.Parse(File.ReadAllText(Path.Combine(commands.Paths.Lock, "holder"))), Is.EqualTo(alice));

        Assert.That(TempDirectory.RunSh(commands.Locks.Unlock(bob).Script).Code, Is.Not.Zero, "bob cannot release alice's lock");
        Assert.That(Run(commands.Locks.Unlock(alice)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(Directory.Exists(commands.Paths.Lock), Is.False, "released");
        Assert.That(Run(commands.Locks.Unlock(alice)), Is.EqualTo(RemoteCommand.Ok));

        Assert.That(Run(commands.Locks.Lock(bob, 0)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(TempDirectory.RunSh(commands.Locks.ForceUnlock().Script).Output, Does.Contain("removing the deploy lock of: host=desk process=200 user=bob"));
        Assert.That(Directory.Exists(commands.Paths.Lock), Is.False);
    }

    [Test]
    public void A_lock_is_refreshed_only_by_its_run_and_taken_over_only_while_its_holder_is_unchanged()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        var alice = new DeployLockHolder("alice", "laptop", 100, Monday, "20261123T100000Z-aaaaaaaa");
        var bob = new DeployLockHolder("bob", "desk", 200, Monday, "20261123T100000Z-bbbbbbbb");
        var holder = Path.Combine(commands.Paths.Lock, "holder");
        Run(commands.Locks.Lock(alice, 0));
        File.SetLastWriteTimeUtc(holder, DateTime.UtcNow.AddMinutes(-5));

        var refused = TempDirectory.RunSh(commands.Locks.Lock(bob, 0).Script);
        Assert.That(refused.Errors, Does.Contain(DeployLockCommands.AgeLine + "30"), "refreshed 300 s ago");
        Assert.That(TempDirectory.RunSh(commands.Locks.Refresh(bob).Script).Code, Is.Not.Zero, "bob cannot refresh alice's lock");
        Assert.That(Run(commands.Locks.Refresh(alice)), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(File.GetLastWriteTimeUtc(holder), Is.GreaterThan(DateTime.UtcNow.AddMinutes(-1)), "alice's refresh");

        Assert.That(TempDirectory.RunSh(commands.Locks.TakeOver(bob.ToString()).Script).Code, Is.Not.Zero, "the lock is not the one read");
        Assert.That(Directory.Exists(commands.Paths.Lock), Is.True);
        Assert.That(Run(commands.Locks.TakeOver(alice.ToString())), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Directory.Exists(commands.Paths.Lock), Is.False);
    }

    [Test]
    public void A_lock_holder_reads_back_from_its_file_and_ignores_fields_it_does_not_know()
    {
        var alice = new DeployLockHolder("alice", "laptop", 100, Monday, "20261123T100000Z-aaaaaaaa");

        Assert.That(DeployLockHolder.Parse(alice + "\nreason-of-a-later-suite=fixing the css\n"), Is.EqualTo(alice));
        var held = alice with { Message = "database upgrade until 14:00" };
        Assert.That(DeployLockHolder.Parse(held.ToString()), Is.EqualTo(held), "a lock held on purpose keeps its message");
        Assert.That(DeployLockHolder.Parse("who=alice@laptop:100 since=2026-11-23T10:00:00Z release=20261123T100000Z-aaaaaaaa"), Is.Null, "an older suite's lock");
    }

    [Test]
    public void MaintenanceFlagIsIdempotent()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        Directory.CreateDirectory(commands.Paths.Shared);

        Assert.That(Run(commands.Files.MaintenanceOn()), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Files.MaintenanceOn()), Is.EqualTo(RemoteCommand.Ok));
        Assert.That(File.Exists(commands.Paths.MaintenanceFlag), Is.True);
        Assert.That(Run(commands.Files.MaintenanceOff()), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(Run(commands.Files.MaintenanceOff()), Is.EqualTo(RemoteCommand.Ok));
    }

    [Test]
    public void BatchRunsItsStepsInOneScriptReportsAnyChangeAndStopsAtTheFirstFailure()
    {
        var ok = new RemoteCommand("echo first; echo ok", "a");
        var changed = new RemoteCommand("read -r line; echo \"got $line\"; echo changed", "b") with { Input = new CommandInput.PlainText("input\n") };
        var failing = new RemoteCommand("echo 'partial output'; echo 'broken' >&2; exit 3", "c");

        var batch = HostScript.Batch("ab", [ok, changed]);
        var (code, output, _) = TempDirectory.RunSh(batch.Script, batch.Input.WriteTo);
        Assert.That(code, Is.Zero);
        Assert.That(output, Is.EqualTo("first\ngot input\nchanged\n"));
        Assert.That(Run(HostScript.Batch("a twice", [ok, ok])), Is.EqualTo(RemoteCommand.Ok));

        var failed = TempDirectory.RunSh(HostScript.Batch("ac", [failing, ok]).Script);
        Assert.That(failed.Code, Is.EqualTo(3));
        Assert.That(failed.Errors, Does.Contain("broken").And.Contain("partial output"));
        Assert.That(failed.Output, Does.Not.Contain("first"), "nothing runs after a failed step");
        Assert.That(() => HostScript.Batch("two inputs", [changed, changed]), Throws.ArgumentException);
    }

    [Test]
    public void A_report_after_a_batch_keeps_its_whole_output_even_where_a_command_fails_and_splits_from_the_steps()
    {
        var step = new RemoteCommand("echo 'current\t20261121T000000Z-aaaaaaaa'; echo ok", "list");
        var report = new RemoteCommand("echo first\nfalse\necho \"unset: ${nothing_here}\"\necho '### end'", "report");

        var (code, output, _) = TempDirectory.RunSh(HostScript.WithReport("list, report", [step], report).Script);
        var (steps, reported) = HostScript.SplitAfterReport(output);

        Assert.That(code, Is.Zero);
        Assert.That(ReleaseListing.Parse(steps).Current, Is.EqualTo("20261121T000000Z-aaaaaaaa"));
        Assert.That(reported, Is.EqualTo("first\nunset: \n### end\nok\n"), "a failing command and an unset variable do not stop the report, its last line is kept");
        Assert.That(HostScript.SplitAfterReport("listing\nok\n"), Is.EqualTo(("listing\nok\n", "")), "no report: nothing split off");
    }

    [Test]
    public void SettingsFilesAreSentOnlyWhenTheHostLacksThem()
    {
        using var host = new TempDirectory();
        var commands = new ReleaseCommands(LocalPaths(host.Path));
        var environment = new Secret("SECRET_KEY=\"hunter2hunter2\"\n");
        ReleaseListing Listing() => ReleaseListing.Parse(TempDirectory.RunSh(commands.ListReleases().Script).Output);
        Directory.CreateDirectory(commands.Paths.Releases);

        var first = commands.Files.SettingsFiles(Listing(), environment, "<p>back soon</p>\n");
        Assert.That(first, Has.Count.EqualTo(2));
        Assert.That(Run(HostScript.Batch("settings", first)), Is.EqualTo(RemoteCommand.Changed));

        Assert.That(commands.Files.SettingsFiles(Listing(), environment, "<p>back soon</p>\n"), Is.Empty, "nothing crosses the wire again");
        var changed = commands.Files.SettingsFiles(Listing(), environment, "<p>back later</p>\n");
        Assert.That(changed.Select(c => c.Summary), Is.EqualTo(new[] { "maintenance page" }));
        Assert.That(Run(changed.Single()), Is.EqualTo(RemoteCommand.Changed));
        Assert.That(File.ReadAllText(commands.Paths.MaintenancePage), Is.EqualTo("<p>back later</p>\n"));
    }

    [Test]
    public void ReportsChangeReadsTheLastLineOnly()
    {
        Assert.That(RemoteCommand.ReportsChange("Applying x... OK\nchanged\n"), Is.True);
        Assert.That(RemoteCommand.ReportsChange("ok"), Is.False);
        Assert.That(() => RemoteCommand.ReportsChange("Traceback"), Throws.TypeOf<FormatException>());
    }

    private sealed record Uploaded(string Id, ReleaseManifest Manifest, IReadOnlyList<string> Sent);

    private static Uploaded Upload(ReleaseCommands commands, string site, DateTimeOffset madeAt, Uploaded? previous)
    {
        var snapshot = SiteSnapshot.Take(site);
        var id = ReleaseId.Create(madeAt, snapshot.Manifest);
        var diff = snapshot.Manifest.CompareWith(previous?.Manifest);
        var command = commands.Upload(id, previous?.Id, diff, snapshot.Manifest.ContentHash(), s => ReleaseTar.Write(s, snapshot, id, diff, madeAt));
        var (code, output, errors) = TempDirectory.RunSh(command.Script, command.Input.WriteTo);
        Assert.That(code, Is.Zero, $"{command.Summary}: {output}{errors}");

        return new Uploaded(id, snapshot.Manifest, diff.ToSend.Select(e => e.Path).ToList());
    }

    private static string Run(RemoteCommand command)
    {
        var (code, output, errors) = TempDirectory.RunSh(command.Script, command.Input.WriteTo);
        Assert.That(code, Is.Zero, $"{command.Summary}: {output}{errors}");
        return RemoteCommand.ReportsChange(output) ? RemoteCommand.Changed : RemoteCommand.Ok;
    }


    private static ulong Inode(string path)
    {
        var (_, output, _) = TempDirectory.RunSh($"stat -c %i {Shell.Quote(path)}");
        return ulong.Parse(output.Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
