using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tests.Aws;

/// <summary>Resources that drifted from the settings, or were lost: planned, corrected in place, or refused with what to do.</summary>
public sealed partial class AwsProvisionerTests
{
    [Test]
    public async Task A_web_group_made_again_is_what_the_database_group_lets_in()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        fake.Groups.RemoveAll(g => g.GroupName == "coralnet-production-web");

        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);

        var web = fake.Groups.Single(g => g.GroupName == "coralnet-production-web");
        var database = fake.Groups.Single(g => g.GroupName == "coralnet-production-db");
        // The rule from the new group's id, known only once it was made; the old group's rule revoked.
        Assert.That(IngressRule.FromPermissions(database.IpPermissions), Is.EqualTo(new[] { IngressRule.FromGroup(5432, web.GroupId) }));
        Assert.That(await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task A_drifted_rule_and_lost_termination_protection_are_planned_and_corrected()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var web = fake.Groups.Single(g => g.GroupName == "coralnet-production-web");
        web.IpPermissions.Add(IngressRule.FromCidr(5432, "0.0.0.0/0").ToPermission());
        web.IpPermissions.RemoveAll(p => p.FromPort == 22);
        fake.TerminationProtection[fake.Instances.Single().InstanceId] = false;
        fake.Calls.Clear();

        var plan = await Provisioner(fake, new ListLog()).PlanAsync(CancellationToken.None);
        var planCalls = fake.Calls.ToList();
        var applied = await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var again = await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);

        var updates = plan.Where(c => c.Kind == ChangeKind.Update).ToDictionary(c => c.Resource, c => c.Differences);
        Assert.That(updates.Keys, Is.EquivalentTo(new[] { "security group coralnet-production-web", "EC2 instance coralnet-production-web" }));
        Assert.That(updates["security group coralnet-production-web"], Is.EquivalentTo(new[] { "ingress tcp 22 from 203.0.113.7/32 missing", "ingress tcp 5432 from 0.0.0.0/0 not wanted" }));
        Assert.That(updates["EC2 instance coralnet-production-web"], Is.EqualTo(new[] { "termination protection off" }));
        Assert.That(planCalls, Is.All.Matches<string>(IsReadOnly));
        Assert.That(applied, Has.Count.EqualTo(2));
        Assert.That(again, Is.Empty);
        Assert.That(fake.TerminationProtection.Values.Single(), Is.True);
        Assert.That(IngressRule.FromPermissions(web.IpPermissions).Select(r => r.FromPort), Is.EquivalentTo(new[] { 22, 80, 80, 443, 443 }));
    }

    [Test]
    public async Task An_instance_type_change_is_planned_and_refused_unless_a_restart_is_allowed()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var settings = Settings();
        settings.Aws.InstanceType = "t3.medium";
        fake.Calls.Clear();

        var plan = await Provisioner(fake, new ListLog(), settings).PlanAsync(CancellationToken.None);
        var refusal = Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner(fake, new ListLog(), settings).ProvisionAsync(CancellationToken.None));

        Assert.That(plan.Single(c => c.Kind != ChangeKind.Unchanged).Differences, Is.EqualTo(new[] { "instance type t3.small (a change needs a stop and start, which Aws.AllowInstanceRestart does not allow)" }));
        Assert.That(refusal!.Message, Does.Contain("Aws.AllowInstanceRestart").And.Contains("t3.medium"));
        Assert.That(fake.Calls, Has.None.Matches<string>(call => call is "ec2:StopInstances" or "ec2:ModifyInstanceAttribute"));
        Assert.That(fake.Instances.Single().InstanceType.Value, Is.EqualTo("t3.small"));

        settings.Aws.AllowInstanceRestart = true;
        fake.Calls.Clear();
        var log = new ListLog();
        await Provisioner(fake, log, settings).ProvisionAsync(CancellationToken.None);

        Assert.That(fake.Calls.Where(call => call is "ec2:StopInstances" or "ec2:ModifyInstanceAttribute" or "ec2:StartInstances"),
            Is.EqualTo(new[] { "ec2:StopInstances", "ec2:ModifyInstanceAttribute", "ec2:StartInstances" }));
        Assert.That(fake.Instances.Single().InstanceType.Value, Is.EqualTo("t3.medium"));
        Assert.That(fake.Instances.Single().State.Name, Is.EqualTo(Amazon.EC2.InstanceStateName.Running));
        Assert.That(log.Lines, Has.Some.StartsWith("WARN Stopping"));
        Assert.That(await Provisioner(fake, new ListLog(), settings).ProvisionAsync(CancellationToken.None), Is.Empty);
    }

    [Test]
    public async Task Database_class_storage_and_engine_version_drift_is_modified_in_place()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var settings = Settings();
        settings.Aws.DatabaseInstanceClass = "db.t3.small";
        settings.Aws.DatabaseStorageGigabytes = 50;
        settings.Aws.DatabaseEngineVersion = "16";

        var plan = await Provisioner(fake, new ListLog(), settings).PlanAsync(CancellationToken.None);
        await Provisioner(fake, new ListLog(), settings).ProvisionAsync(CancellationToken.None);

        // A major upgrade needs the new family's parameter group; without --apply-database-changes-now RDS applies it all in the maintenance window.
        Assert.That(plan.Where(c => c.Kind != ChangeKind.Unchanged).Select(c => c.ToString()), Has.Some.StartsWith("  create     RDS parameter group coralnet-production-db-postgres16: postgres16, rds.force_ssl=1"));
        Assert.That(plan.Single(c => c.Resource.StartsWith("RDS PostgreSQL")).Differences, Is.EquivalentTo(new[]
        {
            "class db.t3.micro", "storage 20 GB", "engine version 15.4",
            "parameter group coralnet-production-db-postgres15, not coralnet-production-db-postgres16 (takes effect at the next reboot)",
            "applied in the maintenance window sun:05:00-sun:05:30 (--apply-database-changes-now: at once)",
        }));
        Assert.That(fake.DatabaseModifications.Single(), Is.EqualTo(new CoralNet.Deploy.Aws.Query.DbInstanceChanges(
            InstanceClass: "db.t3.small", EngineVersion: "16", AllowMajorVersionUpgrade: true, AllocatedStorage: 50, ParameterGroupName: "coralnet-production-db-postgres16")));
        Assert.That(fake.Databases.Single().Value.InstanceClass, Is.EqualTo("db.t3.micro"), "RDS holds the change until the maintenance window");
        // A class change and an engine upgrade: a snapshot first, waited for until available, then the modification.
        Assert.That(fake.Calls.SkipWhile(call => call != "rds:CreateDBSnapshot").Take(4), Is.EqualTo(new[] { "rds:CreateDBSnapshot", "rds:DescribeDBSnapshots", "rds:DescribeDBSnapshots", "rds:ModifyDBInstance" }));
        Assert.That(fake.Snapshots.Keys.Single(), Does.StartWith("coralnet-production-db-before-"));

        // What RDS holds as pending is not asked for again.
        var log = new ListLog();
        Assert.That(await Provisioner(fake, log, settings).ProvisionAsync(CancellationToken.None), Is.Empty);
        Assert.That(log.Lines, Has.Some.Contains("pending for the maintenance window sun:05:00-sun:05:30: class db.t3.small, storage 50 GB, engine version 16.1"));
    }

    [Test]
    public async Task Database_changes_apply_at_once_when_the_run_says_so()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var settings = Settings();
        settings.Aws.DatabaseInstanceClass = "db.t3.small";

        var now = new AwsProvisioner(settings, _root, new Secret(MasterPassword), fake.Services(), new WaitOptions(TimeSpan.FromSeconds(30), TimeSpan.Zero, (_, _) => Task.CompletedTask), new ListLog(),
            CoralNet.Deploy.Aws.Resources.DatabaseChanges.Now);
        await now.ProvisionAsync(CancellationToken.None);

        Assert.That(fake.DatabaseModifications.Single().ApplyImmediately, Is.True);
        Assert.That(fake.Databases.Single().Value.InstanceClass, Is.EqualTo("db.t3.small"));
    }

    [Test]
    public async Task What_RDS_cannot_do_is_refused_before_any_modification()
    {
        var fake = new FakeAws();
        await Provisioner(fake, new ListLog()).ProvisionAsync(CancellationToken.None);
        var settings = Settings();
        settings.Aws.DatabaseStorageGigabytes = 20;
        settings.Aws.DatabaseEngineVersion = "14";
        settings.Aws.DatabaseBackupRetentionDays = 3;
        fake.Calls.Clear();

        var error = Assert.ThrowsAsync<InvalidOperationException>(() => Provisioner(fake, new ListLog(), settings).ProvisionAsync(CancellationToken.None));

        Assert.That(error!.Message, Does.Contain("cannot downgrade").And.Contains("Aws.DatabaseEngineVersion to 15.4"));
        Assert.That(fake.Calls, Has.None.EqualTo("rds:ModifyDBInstance"));
    }

    [TestCase("15.4", "15", 0)]
    [TestCase("15.4", "15.4", 0)]
    [TestCase("15.4", "16", -1)]
    [TestCase("15.4", "15.6", -1)]
    [TestCase("16.1", "15", 1)]
    [TestCase("15.10", "15.9", 1)]
    public void Engine_versions_compare_as_far_as_the_setting_names_them(string actual, string wanted, int sign) =>
        Assert.That(Math.Sign(EngineVersions.Compare(actual, wanted)), Is.EqualTo(sign));

    [Test]
    public async Task A_launch_that_lost_termination_protection_gets_it_set_again()
    {
        var fake = new FakeAws { LaunchKeepsTerminationProtection = false };
        var log = new ListLog();
        await Provisioner(fake, log).ProvisionAsync(CancellationToken.None);

        Assert.That(fake.Calls, Has.Some.EqualTo("ec2:ModifyInstanceAttribute"));
        Assert.That(fake.TerminationProtection.Values.Single(), Is.True);
        Assert.That(log.Lines, Has.Some.Contains("came up without termination protection"));
    }
}
