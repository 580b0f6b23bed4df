using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.HostState;

public class ResourceTests
{
    private static readonly int Mode644 = Convert.ToInt32("644", 8);

    private static string Sh(string script)
    {
        var (code, output, errors) = TempDirectory.RunSh(script);
        Assert.That(code, Is.Zero, errors);
        return output.Trim();
    }

    private static string Sha(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    [Test]
    public void The_probe_script_frames_every_item_and_its_output_splits_back()
    {
        IHostResource[] items = [new UserResource("alice"), new RebootResource(allowed: false)];
        var script = ProbeScript.Build(items);
        Assert.That(script, Does.Contain("echo '### item 0'").And.Contain("echo '### item 1'").And.Contain("getent passwd 'alice'"));
        var sections = ProbeScript.Parse("### item 0\npresent\n### item 1\nno\n### end\n", 2);
        Assert.That(sections[0], Is.EqualTo(new[] { "present" }));
        Assert.That(sections[1], Is.EqualTo(new[] { "no" }));
        Assert.That(() => ProbeScript.Parse("### item 0\npresent\n", 2), Throws.InstanceOf<FormatException>());
        Assert.That(() => ProbeScript.Parse("### item 1\n### end\n", 1), Throws.InstanceOf<FormatException>());
    }

    [Test]
    public void A_file_is_left_alone_when_content_owner_and_mode_match()
    {
        var file = new FileResource("/etc/x.conf", "hello\n", "root", "root", Mode644);
        Assert.That(file.Plan(["stat regular file|root|root|644", "sha " + Sha("hello\n")]), Is.Null);
        Assert.That(file.Plan(["stat regular file|root|root|600", "sha " + Sha("hello\n")])!.Command!.Script, Is.EqualTo("chown 'root:root' '/etc/x.conf' && chmod 0644 '/etc/x.conf'"));
        var write = file.Plan(["stat regular file|root|root|644", "sha " + Sha("other\n")])!;
        Assert.That(write.Reason, Is.EqualTo("content differs"));
        Assert.That(write.Command!.Script, Does.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("hello\n"))).And.Contain("mv -f '/etc/.x.conf.coralnet-new' '/etc/x.conf'"));
        Assert.That(write.Command.Display, Does.Not.Contain(Convert.ToBase64String(Encoding.UTF8.GetBytes("hello\n"))));
        Assert.That(file.Plan(["absent"])!.Reason, Is.EqualTo("absent"));
    }

    [TestCase(true)]
    [TestCase(false)]
    public void A_file_whose_follow_up_fails_is_put_back_as_it_was(bool existedBefore)
    {
        using var host = new TempDirectory();
        var path = Path.Combine(host.Path, "etc/app.conf");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (existedBefore)
        {
            File.WriteAllText(path, "old\n");
        }

        var refused = new FileResource(path, "new\n", "root", "root", Mode644, onChange: "echo 'reload refused' >&2; exit 3");
        var (code, _, errors) = TempDirectory.RunSh(refused.Plan([existedBefore ? "stat regular file|root|root|644" : "absent", "sha " + Sha("old\n")])!.Command!.Script);

        Assert.That((code, errors.Trim()), Is.EqualTo((3, "reload refused")));
        Assert.That(File.Exists(path) ? File.ReadAllText(path) : null, Is.EqualTo(existedBefore ? "old\n" : null));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, ".*"), Is.Empty, "no staged or kept copy is left");

        var accepted = new FileResource(path, "new\n", "root", "root", Mode644, onChange: "true");
        Assert.That(TempDirectory.RunSh(accepted.Plan(["absent"])!.Command!.Script).Code, Is.Zero);
        Assert.That(File.ReadAllText(path), Is.EqualTo("new\n"));
        Assert.That(Directory.GetFiles(Path.GetDirectoryName(path)!, ".*"), Is.Empty);
    }

    [Test]
    public void A_setgid_directory_compares_its_full_mode()
    {
        var directory = new DirectoryResource("/srv/people", "root", "people", Convert.ToInt32("3775", 8));
        Assert.That(directory.Plan(["stat directory|root|people|3775"]), Is.Null);
        Assert.That(directory.Plan(["stat directory|root|people|775"])!.Command!.Script, Does.Contain("chmod 03775"));
        Assert.That(directory.Plan(["absent"])!.Command!.Script, Does.StartWith("mkdir -p '/srv/people'"));
    }

    [Test]
    public void A_directory_loses_set_id_bits_it_should_not_have_which_a_four_digit_mode_would_keep()
    {
        using var folder = new TempDirectory();
        Sh($"chown root:daemon {folder.Path} && chmod 2775 {folder.Path}");
        var directory = new DirectoryResource(folder.Path, "root", "root", Convert.ToInt32("755", 8));
        var change = directory.Plan([Sh($"stat -c 'stat %F|%U|%G|%a' {folder.Path}")])!;

        Sh(change.Command!.Script);

        Assert.That(Sh($"stat -c '%U:%G %a' {folder.Path}"), Is.EqualTo("root:root 755"));
    }

    [Test]
    public void A_tree_not_root_s_only_is_found_and_made_root_s_but_for_the_excluded_paths_and_links()
    {
        using var folder = new TempDirectory();
        var root = folder.Path;
        Sh($"""
            mkdir -p {root}/releases/1/project {root}/shared/state
            echo x > {root}/releases/1/project/a.py; echo s > {root}/shared/env; echo t > {root}/shared/state/stamp
            ln -s /etc/passwd {root}/releases/1/link
            chown -R daemon:daemon {root}/shared/state; chown root:daemon {root}/shared/env; chmod 0640 {root}/shared/env
            chown -R root:daemon {root}/releases; chmod 2775 {root}/releases; chmod 0664 {root}/releases/1/project/a.py
            """);
        var tree = new RootOwnedTreeResource(root, [root + "/shared/env", root + "/shared/state"]);
        var probe = ProbeScript.Build([tree]);

        var change = tree.Plan(ProbeScript.Parse(Sh(probe), 1)[0])!;
        Assert.That(change.Reason, Does.StartWith("not root's only:"));
        Sh(change.Command!.Script);

        Assert.That(tree.Plan(ProbeScript.Parse(Sh(probe), 1)[0]), Is.Null, "a second run changes nothing");
        Assert.That(Sh($"stat -c '%U:%G %a' {root}/releases {root}/releases/1/project/a.py {root}/shared/env {root}/shared/state/stamp /etc/passwd"),
            Is.EqualTo("root:root 755\nroot:root 644\nroot:daemon 640\ndaemon:daemon 644\nroot:root 644"));
    }

    [Test]
    public void The_site_user_is_a_system_user_in_its_own_group_only()
    {
        var user = new SystemUserResource("coralnet");
        Assert.That(user.Plan([])!.Command!.Script, Is.EqualTo("adduser --system --group --no-create-home --home /nonexistent --shell /usr/sbin/nologin 'coralnet'"));
        Assert.That(user.Plan(["shell /usr/sbin/nologin", "groups coralnet"]), Is.Null);
        Assert.That(user.Plan(["shell /bin/bash", "groups coralnet www-data"])!.Command!.Script, Is.EqualTo("usermod -s /usr/sbin/nologin -g 'coralnet' -G '' 'coralnet'"));
    }

    [Test]
    public void Packages_missing_or_half_installed_are_installed_after_the_package_lists()
    {
        var packages = new PackagesResource(["nginx", "libpq-dev", "gunicorn"]);
        Assert.That(packages.Plan(["nginx ii ", "libpq-dev ii ", "gunicorn ii "]), Is.Null);
        var change = packages.Plan(["nginx ii ", "libpq-dev rc "])!;
        Assert.That(change.Kind, Is.EqualTo(ChangeKind.CommandAfterPackageLists));
        Assert.That(change.Command!.Script, Does.StartWith("DEBIAN_FRONTEND=noninteractive apt-get").And.EndWith("install 'libpq-dev' 'gunicorn'"));
    }

    [Test]
    public void Group_membership_users_upgrades_and_reboots_read_their_probe_lines()
    {
        Assert.That(new GroupMemberResource("alice", "sudo").Plan(["alice users sudo"]), Is.Null);
        Assert.That(new GroupMemberResource("alice", "www-data").Plan(["alice users sudo"])!.Command!.Script, Is.EqualTo("usermod -a -G 'www-data' 'alice'"));
        Assert.That(new UserResource("alice").Plan(["absent"])!.Command!.Script, Is.EqualTo("adduser --disabled-password --gecos '' 'alice'"));
        var upgrade = new UpgradeResource(TimeSpan.FromDays(1));
        Assert.That(upgrade.Plan(["now 100000", "stamp 99000"]), Is.Null);
        Assert.That(upgrade.Plan(["now 200000", "stamp 99000"])!.Kind, Is.EqualTo(ChangeKind.CommandAfterPackageLists));
        Assert.That(upgrade.Plan(["now 200000", "stamp none"])!.Reason, Is.EqualTo("never upgraded by the suite"));
        Assert.That(new RebootResource(allowed: true).Plan(["required"])!.Kind, Is.EqualTo(ChangeKind.Reboot));
        Assert.That(new RebootResource(allowed: true).Plan(["no"]), Is.Null);
        var pending = new RebootResource(allowed: false).Plan(["required"])!;
        Assert.That(pending.Kind, Is.EqualTo(ChangeKind.Pending));
        Assert.That(pending.Reason, Does.Contain("--allow-reboot").And.Contain("Host_AllowReboot=true"));
    }

    [Test]
    public void A_systemd_unit_is_reloaded_enabled_and_restarted_as_needed()
    {
        var unit = new SystemdUnitResource("site.service", "[Service]\nExecStart=/bin/true\n");
        var sha = "sha " + Sha("[Service]\nExecStart=/bin/true\n");
        Assert.That(unit.Plan(["stat regular file|root|root|644", sha, "enabled enabled", "active active"]), Is.Null);
        var changed = unit.Plan(["stat regular file|root|root|644", "sha 00", "enabled enabled", "active active"])!.Command!.Script;
        Assert.That(changed, Does.Contain("systemctl daemon-reload").And.Contain("systemctl restart 'site.service'").And.Not.Contain("enable"));
        var stopped = unit.Plan(["stat regular file|root|root|644", sha, "enabled disabled", "active inactive"])!.Command!.Script;
        Assert.That(stopped, Does.Contain("systemctl enable 'site.service'").And.Contain("systemctl start").And.Not.Contain("daemon-reload"));
    }

    [Test]
    public void Symlinks_and_absent_files()
    {
        Assert.That(new SymlinkResource("/srv/www/current", "releases/2").Plan(["link releases/2"]), Is.Null);
        Assert.That(new SymlinkResource("/srv/www/current", "releases/2").Plan(["link releases/1"])!.Command!.Script, Does.Contain("mv -Tf"));
        Assert.That(new AbsentResource("/etc/nginx/sites-enabled/default", "systemctl reload nginx").Plan(["link /etc/nginx/sites-available/default"])!.Command!.Script,
            Is.EqualTo("rm -f '/etc/nginx/sites-enabled/default' && systemctl reload nginx"));
        Assert.That(new AbsentResource("/x").Plan(["absent"]), Is.Null);
    }

    [Test]
    public void People_taken_out_of_the_settings_lose_their_access()
    {
        var resource = new FormerPeopleResource(["alice"]);

        Assert.That(resource.Plan(["alice"]), Is.Null);
        Assert.That(resource.Plan([]), Is.Null);
        var change = resource.Plan(["alice", "bob", ""])!;
        Assert.That(change.Reason, Is.EqualTo("no longer in the settings: bob"));
        Assert.That(change.Command!.Script, Does.Contain("rm -f '/etc/sudoers.d/coralnet-bob'").And.Contain("usermod -L -e 1 'bob'").And.Contain(".ssh/authorized_keys"));
        Assert.That(change.Command.Script, Does.Not.Contain("alice"));
    }

    [Test]
    public void The_host_plan_covers_people_web_root_packages_and_default_site()
    {
        var settings = new DeploySettings { People = [new PersonSettings { Login = "alice", Keys = ["ssh-ed25519 AAAA alice"] }] };
        settings.Site.ExtraPackages.Add("libxml2-dev");
        var plan = ConfigureHostPlan.Build(settings);
        Assert.That(plan.Select(t => t.Name), Is.EqualTo(new[] { "UpgradePackages", "CreateUsers", "PrepareWebRoot", "InstallPackages", "RemoveDefaultSite", "SecureHost", "PrepareTls", "InstallContainerEngine" }));
        var ids = plan.SelectMany(t => t.Items).Select(i => i.Id).ToList();
        Assert.That(ids, Does.Contain("user alice").And.Contain("member alice of sudo").And.Contain("member alice of people").And.Not.Contain("member alice of www-data")
            .And.Contain("system user coralnet").And.Contain("root-owned tree /srv/www/coralnet").And.Contain("directory /srv/people")
            .And.Contain("file /etc/ssh/sshd_config.d/00-coralnet-deploy.conf").And.Contain("file /etc/apt/apt.conf.d/52coralnet-unattended-upgrades")
            .And.Contain("file /home/alice/.ssh/authorized_keys").And.Contain("file /etc/sudoers.d/coralnet-alice").And.Contain("directory /srv/www")
            .And.Contain("absent /etc/nginx/sites-enabled/default"));
        Assert.That(ids.Single(i => i.StartsWith("packages nginx", StringComparison.Ordinal)), Does.Contain("libtiff-dev").And.Contain("python3-django").And.EndWith("libxml2-dev"));
        Assert.That(() => ConfigureHostPlan.Build(settings, sudoersTemplate: "{{ Login }} {{ Nope }}"), Throws.InvalidOperationException.With.Message.Contain("Nope"));
    }

    [Test]
    public void In_acme_mode_the_host_gets_certbot_its_webroot_hook_timer_and_the_acme_directory_s_ca()
    {
        var settings = new DeploySettings();
        var plan = ConfigureHostPlan.Build(settings, acmeCaBundle: "-----BEGIN CERTIFICATE-----\n");
        var ids = plan.Single(t => t.Name == "PrepareTls").Items.Select(i => i.Id).ToList();

        Assert.That(ids, Is.EqualTo(new[]
        {
            "directory /srv/www/coralnet/acme", "file /etc/letsencrypt/renewal-hooks/deploy/coralnet-nginx", "file /etc/letsencrypt/coralnet-acme-ca.pem",
            "file /etc/systemd/system/certbot.service.d/coralnet-acme-ca.conf", "service certbot.timer",
        }));
        Assert.That(plan.SelectMany(t => t.Items).Single(i => i.Id.StartsWith("packages nginx", StringComparison.Ordinal)).Id, Does.Contain(" certbot"));

        settings.Tls.Mode = TlsMode.Off;
        var off = ConfigureHostPlan.Build(settings);
        Assert.That(off.Single(t => t.Name == "PrepareTls").Items, Is.Empty);
        Assert.That(off.SelectMany(t => t.Items).Single(i => i.Id.StartsWith("packages nginx", StringComparison.Ordinal)).Id, Does.Not.Contain("certbot"));
    }

    [Test]
    public void The_recap_counts_per_host_and_the_report_lists_items_with_durations()
    {
        var recorder = new RunRecorder(check: true) { ConnectionsOpened = 2 };
        recorder.Record(new ItemRecord("CreateUsers", "web1", "user alice", ItemStatus.Ok, TimeSpan.FromMilliseconds(1.26), ""));
        recorder.Record(new ItemRecord("CreateUsers", "web1", "member alice of sudo", ItemStatus.Changed, TimeSpan.FromMilliseconds(2), "not a member"));
        recorder.Record(new ItemRecord("CreateUsers", "web2", "user alice", ItemStatus.Failed, TimeSpan.FromMilliseconds(3), "boom"));
        recorder.Record(new TaskRecord("CreateUsers", "web1", TimeSpan.FromMilliseconds(12)));
        var recap = recorder.Recap().ToList();
        Assert.That(recap[0], Does.Contain("check mode"));
        Assert.That(recap[1], Is.EqualTo("web1 : ok=1    changed=1    failed=0"));
        Assert.That(recap[2], Is.EqualTo("web2 : ok=0    changed=0    failed=1"));
        using var json = System.Text.Json.JsonDocument.Parse(recorder.ToJson());
        var root = json.RootElement;
        Assert.That(root.GetProperty("check").GetBoolean(), Is.True);
        Assert.That(root.GetProperty("connectionsOpened").GetInt32(), Is.EqualTo(2));
        Assert.That(root.GetProperty("items")[1].GetProperty("status").GetString(), Is.EqualTo("changed"));
        Assert.That(root.GetProperty("items")[0].GetProperty("durationMs").GetDouble(), Is.EqualTo(1.3).Within(0.06));
        Assert.That(root.GetProperty("tasks")[0].GetProperty("durationMs").GetDouble(), Is.EqualTo(12));
    }
}
