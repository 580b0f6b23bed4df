using CoralNet.Deploy.Release;

namespace CoralNet.Deploy.Tests.Release;

public sealed class MigrationStampTests
{
    private const string Applied = "0123456789abcdef0123456789abcdef";
    private const string Address = "10.213.0.3:5432";
    private const string Venv = "/srv/www/coralnet/shared/venvs/py3.11.2-none";

    private static ManifestEntry Entry(string path, char hash) => new(path, 1, "0644", new string(hash, 64));

    private static ReleaseManifest Site(char views = 'a', char migration = 'b', char settings = 'c', char requirements = 'd', char dockerfile = 'e') => new(
    [
        Entry("project/status/views.py", views),
        Entry("project/status/migrations/0001_initial.py", migration),
        Entry("project/config/settings.py", settings),
        Entry("requirements.txt", requirements),
        Entry("Dockerfile", dockerfile),
    ]);

    [Test]
    public void The_key_follows_what_migrate_reads_and_nothing_else()
    {
        var key = MigrationStamp.Key(Site(), []);

        Assert.That(MigrationStamp.Key(Site(views: 'z'), []), Is.EqualTo(key), "a view is not read by migrate");
        Assert.That(new[]
        {
            MigrationStamp.Key(Site(migration: 'z'), []),
            MigrationStamp.Key(Site(settings: 'z'), []),
            MigrationStamp.Key(Site(requirements: 'z'), []),
            MigrationStamp.Key(Site(dockerfile: 'z'), []),
            MigrationStamp.Key(Site(), ["python3-pil"]),
            MigrationStamp.Key(new ReleaseManifest([.. Site().Entries, Entry("project/status/migrations/0002_more.py", 'f')]), []),
        }, Has.None.EqualTo(key).And.Unique);
    }

    [Test]
    public void Migrate_is_left_unsent_only_when_everything_in_the_stamp_matches()
    {
        var key = MigrationStamp.Key(Site(), []);
        var stamp = $"{key} {Venv} {Address} {Applied}";
        var state = MigrationStamp.Parse($"venv {Venv}\n{MigrationStamp.StateLine}\t{Venv}\t{stamp}\nok\n");

        Assert.That(MigrationStamp.Unchanged(state, key, Address, Applied), Is.True);
        Assert.That(MigrationStamp.Unchanged(state, key, Address, null), Is.False, "applied migrations not read");
        Assert.That(MigrationStamp.Unchanged(state, key, Address, "f" + Applied[1..]), Is.False, "other migrations applied");
        Assert.That(MigrationStamp.Unchanged(state, key, "10.213.0.4:5432", Applied), Is.False, "another database");
        Assert.That(MigrationStamp.Unchanged(state, MigrationStamp.Key(Site(migration: 'z'), []), Address, Applied), Is.False, "a migration changed");
        Assert.That(MigrationStamp.Unchanged(state! with { RanOn = Venv + "x" }, key, Address, Applied), Is.False, "the release links another venv");
        Assert.That(MigrationStamp.Unchanged(null, key, Address, Applied), Is.False, "no state read");
        Assert.That(MigrationStamp.Unchanged(MigrationStamp.Parse($"{MigrationStamp.StateLine}\t{Venv}\t\nok\n"), key, Address, Applied), Is.False, "no stamp");
    }

    [Test]
    public void In_a_container_the_stamp_holds_the_image_s_id_and_a_rebuilt_image_is_migrated()
    {
        var key = MigrationStamp.Key(Site(), []);
        const string Image = "sha256:4f1c0de";
        var state = MigrationStamp.Parse($"{MigrationStamp.StateLine}\t{Image}\t{key} {Image} {Address} {Applied}\nok\n");

        Assert.That(MigrationStamp.Unchanged(state, key, Address, Applied), Is.True);
        Assert.That(MigrationStamp.Unchanged(MigrationStamp.Parse($"{MigrationStamp.StateLine}\tsha256:0ther\t{key} {Image} {Address} {Applied}\n"), key, Address, Applied), Is.False,
            "the image was rebuilt (its packages may bring migrations of their own)");
        Assert.That(MigrationStamp.Unchanged(MigrationStamp.Parse($"{MigrationStamp.StateLine}\t\t{key} {Address} {Applied}\n"), key, Address, Applied), Is.False,
            "no image id read (nor a stamp of the format before it): migrated");
    }

    [Test]
    public void A_key_that_is_not_a_sha256_never_reaches_a_script()
    {
        Assert.Throws<ArgumentException>(() => MigrationStamp.RequireKey("abc; rm -rf /"));
        Assert.That(MigrationStamp.RequireKey(new string('a', 64)), Is.EqualTo(new string('a', 64)));
    }
}
