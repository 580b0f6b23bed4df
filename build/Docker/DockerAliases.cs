// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
using Cake.Core;
using Cake.Core.Annotations;

namespace Cake.Docker;

/// <summary>
/// The docker commands the suite uses, with Cake.Docker's signatures: settings in, flags out. The
/// client reaches its engine through the process environment (DOCKER_HOST), as with Cake.Docker,
/// whose DockerTag takes no settings.
/// </summary>
[CakeAliasCategory("Docker")]
public static class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, DockerImageBuildSettings? settings, string path) =>
        Run(context, ["build"], settings ?? new DockerImageBuildSettings(), path);

    [CakeMethodAlias]
    public static void DockerTag(this ICakeContext context, string imageReference, string registryReference) =>
        Run(context, ["tag"], new DockerImageTagSettings(), imageReference, registryReference);

    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, string imageReference) =>
        Run(context, ["push"], new DockerImagePushSettings(), imageReference);

    /// <summary>Logs the client in to <paramref name="server"/>; the password is written to its standard input only.</summary>
    [CakeMethodAlias]
    public static void DockerLogin(this ICakeContext context, DockerRegistryLoginSettings settings, string server, string password)
    {
        settings.PasswordStdin = true;
        DockerRunner.Run(context, settings, DockerArguments.Render(["login"], settings, server), password + "\n");
    }

    /// <returns>One line per image, as the settings' Format writes it.</returns>
    [CakeMethodAlias]
    public static IEnumerable<string> DockerImageLs(this ICakeContext context, DockerImageLsSettings? settings) =>
        Run(context, ["image", "ls"], settings ?? new DockerImageLsSettings())
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    /// <summary>Removes the images (a name removes that name; the image and its layers go with its last one).</summary>
    [CakeMethodAlias]
    public static void DockerRmi(this ICakeContext context, DockerImageRemoveSettings? settings, params string[] images) =>
        Run(context, ["rmi"], settings ?? new DockerImageRemoveSettings(), images);

    private static string Run(ICakeContext context, string[] command, AutoToolSettings settings, params string[] operands) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(command, settings, operands));
}
