using CoralNet.Deploy.Release;
using CoralNet.Deploy.Sandbox;

namespace CoralNet.Deploy.Tests.Release;

/// <summary>Real files and folders under /tmp (root's sticky 1777 folder, which is accepted); the tests run as root in CI, so chown works.</summary>
public sealed class HookFileCheckTests
{
    private string _site = null!;
    private string _hook = null!;

    [SetUp]
    public void MakeHook()
    {
        _site = Directory.CreateTempSubdirectory("hook-check-").FullName;
        Directory.CreateDirectory(Path.Combine(_site, "deploy/hooks"));
        _hook = Path.Combine(_site, "deploy/hooks/pre-deploy");
        File.WriteAllText(_hook, "#!/bin/sh\ntrue\n");
        File.SetUnixFileMode(_hook, (UnixFileMode)0b111_101_101);
    }

    [TearDown]
    public void Remove() => Directory.Delete(_site, recursive: true);

    [Test]
    public void A_hook_only_its_owner_can_change_under_such_folders_may_run() =>
        Assert.That(HookFileCheck.Problem(_hook), Is.Null);

    [Test]
    public void A_hook_its_group_can_write_is_refused() =>
        AssertRefused(() => File.SetUnixFileMode(_hook, (UnixFileMode)0b111_111_101), "writable by nobody else (chmod 755 it)");

    [Test]
    public void A_hook_under_a_folder_others_can_write_is_refused()
    {
        var folder = Path.Combine(_site, "deploy");
        AssertRefused(() => File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111), $"{folder}, which its group or others can write: they could swap the hook. Run chmod go-w {folder}.");
    }

    [Test]
    public void A_hook_under_a_folder_another_account_owns_is_refused()
    {
        Assume.That(Environment.UserName, Is.EqualTo("root"), "chown needs root; the suite's tests run as root");
        AssertRefused(() => new LocalRunner(_ => { }).Run(new LocalCommand("chown", "65534", Path.Combine(_site, "deploy/hooks"))), "owned by the account 65534");
    }

    [Test]
    public void A_hook_linked_to_a_file_under_another_account_s_folder_is_refused()
    {
        Assume.That(Environment.UserName, Is.EqualTo("root"), "chown needs root; the suite's tests run as root");
        var elsewhere = Directory.CreateTempSubdirectory("hook-elsewhere-").FullName;
        try
        {
            var target = Path.Combine(elsewhere, "run-me");
            File.WriteAllText(target, "#!/bin/sh\ntrue\n");
            File.SetUnixFileMode(target, (UnixFileMode)0b111_101_101);
            new LocalRunner(_ => { }).Run(new LocalCommand("chown", "65534", elsewhere));
            File.Delete(_hook);
            File.CreateSymbolicLink(_hook, target);

            Assert.That(HookFileCheck.Problem(_hook), Does.Contain($"under {elsewhere}, owned by the account 65534"));
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    private void AssertRefused(Action change, string message)
    {
        change();
        Assert.That(HookFileCheck.Problem(_hook), Does.Contain(message));
    }
}
