using CoralNet.Deploy.Container;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Tests.Release;

namespace CoralNet.Deploy.Tests.Container;

/// <summary>The folder root keeps the image builder's state in, against real files (the tests run as root).</summary>
public sealed class RootOnlyFolderTests
{
    private static readonly LocalRunner Runner = new(_ => { });

    [Test]
    public void A_missing_folder_is_made_root_s_alone()
    {
        using var parent = new TempDirectory();
        var folder = Path.Combine(parent.Path, "state", "0123");

        RootOnlyFolder.Ensure(folder, Runner);

        Assert.That(File.GetUnixFileMode(folder), Is.EqualTo(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute));
        Assert.DoesNotThrow(() => RootOnlyFolder.Ensure(folder, Runner), "a second run accepts what the first made");
    }

    [TestCase("chmod 0770 {0}", "mode 770")]
    [TestCase("chmod 0703 {0}", "mode 703")]
    [TestCase("chown 65534 {0}", "uid 65534")]
    [TestCase("chmod 0777 {1}", "mode 777")]
    [TestCase("chown 65534 {1}", "uid 65534")]
    [TestCase("rmdir {0} && ln -s /tmp {0}", "symbolic link")]
    public void A_folder_or_parent_another_account_may_change_is_refused_before_anything_is_written(string change, string said)
    {
        using var root = new TempDirectory();
        var parent = Path.Combine(root.Path, "state");
        var folder = Path.Combine(parent, "0123");
        RootOnlyFolder.Ensure(folder, Runner);
        TempDirectory.RunSh(string.Format(System.Globalization.CultureInfo.InvariantCulture, change, folder, parent));

        var refusal = Assert.Throws<ContainerException>(() => RootOnlyFolder.Ensure(folder, Runner))!;

        Assert.That(refusal.Message, Does.Contain(said).And.Contain("must be a directory of root's that no other account may write"));
    }
}
