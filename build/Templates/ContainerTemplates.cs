using System.Globalization;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Templates;

/// <summary>The image builder's files (podman's configuration, the registry's, the base image's install script, the default Dockerfile) and the web hosts' engine configuration, taken from typed settings.</summary>
public static class ContainerTemplates
{
    public static string EngineConfiguration(ContainerLayout layout) =>
        TemplateRenderer.Render("containers.conf", new Dictionary<string, string>
        {
            ["EventsLog"] = layout.EventsLog,
            ["TemporaryDirectory"] = layout.TemporaryDirectory,
        });

    public static string StorageConfiguration(ContainerLayout layout) =>
        TemplateRenderer.Render("storage.conf", new Dictionary<string, string>
        {
            ["Storage"] = layout.Storage,
            ["RunRoot"] = layout.RunRoot,
        });

    public static string RegistriesConfiguration(ContainerSettings container) =>
        TemplateRenderer.Render("registries.conf", new Dictionary<string, string> { ["Registry"] = container.Registry });

    /// <summary>The registries.conf drop-in of a web host: the registry it pulls the site's image from.</summary>
    public static string HostRegistries(HostRegistry registry) =>
        TemplateRenderer.Render("host-registries.conf", new Dictionary<string, string>
        {
            ["Registry"] = registry.Address,
            ["Insecure"] = registry.Insecure ? "true" : "false",
        });

    /// <summary>
    /// The engine's auth file on a web host whose registry needs a login: no credential in it, only the
    /// credential helper the engine runs for the registry's address (podman: containers-auth.json's credHelpers).
    /// </summary>
    public static string HostRegistryAuth(HostRegistry registry, string helper) =>
        TemplateRenderer.Render("host-registry-auth.json", new Dictionary<string, string>
        {
            ["Registry"] = registry.Address,
            ["Helper"] = helper,
        });

    /// <summary>dockerd's daemon.json on a web host: the registry it may speak plain HTTP to (only the sandbox's own), no bridge, no firewall rule, no forwarding.</summary>
    public static string DockerDaemon(HostRegistry registry) =>
        TemplateRenderer.Render("docker-daemon.json", new Dictionary<string, string>
        {
            ["InsecureRegistries"] = System.Text.Json.JsonSerializer.Serialize(registry.Insecure ? new[] { registry.Address } : []),
        });

    public static string RegistryConfiguration(ContainerLayout layout, ContainerSettings container) =>
        TemplateRenderer.Render("registry.yml", new Dictionary<string, string>
        {
            ["DataDirectory"] = layout.RegistryData,
            ["Address"] = container.Registry,
        });

    public static string BaseInstallScript(IEnumerable<string> packages) =>
        TemplateRenderer.Render("container-base.sh", new Dictionary<string, string> { ["Packages"] = string.Join(' ', packages) });

    /// <summary>The file in the base image's build context that holds the installed tree.</summary>
    public const string BaseArchiveName = "rootfs.tar";

    public static string BaseDockerfile() =>
        TemplateRenderer.Render("Dockerfile.base", new Dictionary<string, string> { ["Archive"] = BaseArchiveName });

    public static string Dockerfile(SiteSettings site, string baseImage) =>
        TemplateRenderer.Render("Dockerfile", new Dictionary<string, string>
        {
            ["SiteName"] = site.Name,
            ["BaseImage"] = baseImage,
            ["Port"] = site.GunicornPort.ToString(CultureInfo.InvariantCulture),
            ["Workers"] = site.Workers.ToString(CultureInfo.InvariantCulture),
            ["TimeoutSeconds"] = site.GunicornTimeoutSeconds.ToString(CultureInfo.InvariantCulture),
        });
}
