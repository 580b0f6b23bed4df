using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The image the site's image is built on, with no registry to pull one from: the sandbox's Debian
/// tree (debootstrap's result) copied, Debian's python3, Django, gunicorn, psycopg2 and the site's
/// extra packages installed into the copy by chroot and apt (this machine's network, the tree's
/// sources), and the copy imported as one layer. Named after its install script, so that another
/// package list makes another image and the same list is made once.
/// </summary>
public sealed class ContainerBaseImage(ContainerLayout layout, string debianTree, SiteSettings site)
{
    public IReadOnlyList<string> Packages { get; } = ["python3", .. ConfigureHostPlan.DjangoStackPackages, .. site.ExtraPackages];

    public string InstallScript => ContainerTemplates.BaseInstallScript(Packages);

    public string Name => "localhost/coralnet-base:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(InstallScript)))[..12];

    /// <summary>Makes the image through the engine the client environment names. The copy is removed, whatever happens.</summary>
    public void Build(LocalRunner runner, IReadOnlyDictionary<string, string> clientEnvironment)
    {
        if (!Directory.Exists(Path.Combine(debianTree, "usr")))
        {
            throw new ContainerException($"The Debian tree the base image is made from, {debianTree}, is missing: ./build.sh --target=SandboxUp builds it (once, then SandboxDown keeps it).");
        }

        RemoveCopy(runner);
        try
        {
            runner.Run(new LocalCommand("cp", "-a", debianTree, layout.BaseTree));
            File.Copy("/etc/resolv.conf", Path.Combine(layout.BaseTree, "etc", "resolv.conf"), overwrite: true);
            runner.Run(ContainerCommands.InstallInTree(layout.BaseTree, InstallScript));
            runner.Run(ContainerCommands.ImportTree(layout.BaseTree, Name, clientEnvironment));
        }
        finally
        {
            RemoveCopy(runner);
        }
    }

    private void RemoveCopy(LocalRunner runner)
    {
        if (Directory.Exists(layout.BaseTree))
        {
            runner.Run(new LocalCommand("rm", "-rf", "--one-file-system", layout.BaseTree));
        }
    }
}
