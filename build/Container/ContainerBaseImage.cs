using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The image the site's image is built on, with no registry to pull one from: Debian's python3,
/// Django, gunicorn, psycopg2 and the site's extra packages installed over the sandbox's Debian tree
/// (debootstrap's result, left as it is) the way the sandbox builds its database layer (an overlay,
/// systemd-nspawn, services kept from starting), and the result archived as the one file of a
/// FROM-scratch build context. Named after its install script, so that another package list makes
/// another image and the same list is made once.
/// </summary>
public sealed class ContainerBaseImage(ContainerLayout layout, string debianTree, SiteSettings site)
{
    public IReadOnlyList<string> Packages { get; } = ["python3", .. ConfigureHostPlan.DjangoStackPackages, .. site.ExtraPackages];

    public string InstallScript => ContainerTemplates.BaseInstallScript(Packages);

    /// <summary>Where every base image is named, one tag per package list.</summary>
    public const string Repository = "localhost/coralnet-base";

    public string Name => Repository + ":" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(InstallScript)))[..12];

    /// <summary>
    /// The build context: the installed tree as <c>rootfs.tar</c> and the Dockerfile that adds it. The tree's
    /// changes are removed once archived, whatever happens; the caller removes the context once built.
    /// </summary>
    public string PrepareContext(LocalRunner runner)
    {
        if (!Directory.Exists(Path.Combine(debianTree, "usr")))
        {
            throw new ContainerException($"The Debian tree the base image is made from, {debianTree}, is missing: ./build.sh --target=SandboxUp builds it (once, then SandboxDown keeps it).");
        }

        RemoveContext(runner);
        BaseImage.DeletePartial(runner, layout.BaseTree);
        Directory.CreateDirectory(layout.BaseContext);
        // apt resolves the tree's sources (this machine's mirrors) with this machine's resolver; the install script empties it again.
        Directory.CreateDirectory(Path.Combine(layout.BaseTree, "etc"));
        File.Copy("/etc/resolv.conf", Path.Combine(layout.BaseTree, "etc", "resolv.conf"), overwrite: true);
        try
        {
            BaseImage.InstallOver(runner, debianTree, layout.BaseTree, proxyUrl: null, InstallScript,
                root => runner.Run(ContainerCommands.Archive(root, Path.Combine(layout.BaseContext, ContainerTemplates.BaseArchiveName))));
        }
        finally
        {
            BaseImage.DeletePartial(runner, layout.BaseTree);
        }

        File.WriteAllText(Path.Combine(layout.BaseContext, "Dockerfile"), ContainerTemplates.BaseDockerfile());
        return layout.BaseContext;
    }

    public void RemoveContext(LocalRunner runner) => BaseImage.DeletePartial(runner, layout.BaseContext);
}
