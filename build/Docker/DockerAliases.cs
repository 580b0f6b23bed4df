// Stand-in for Cake.Docker (see README.md in this folder); goes away when Cake.Docker is served.
using Cake.Core;
using Cake.Core.Annotations;

namespace Cake.Docker;

/// <summary>The docker commands the suite uses, as Cake.Docker's aliases: settings in, flags out.</summary>
[CakeAliasCategory("Docker")]
public static class DockerAliases
{
    [CakeMethodAlias]
    public static void DockerBuild(this ICakeContext context, DockerImageBuildSettings settings, string path) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["build"], settings, path));

    [CakeMethodAlias]
    public static void DockerTag(this ICakeContext context, DockerImageTagSettings settings, string imageReference, string imageTag) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["tag"], settings, imageReference, imageTag));

    [CakeMethodAlias]
    public static void DockerPush(this ICakeContext context, DockerImagePushSettings settings, string imageReference) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["push"], settings, imageReference));

    [CakeMethodAlias]
    public static void DockerPull(this ICakeContext context, DockerImagePullSettings settings, string imageReference) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["pull"], settings, imageReference));

    /// <returns>The container's id when detached, else what the command printed.</returns>
    [CakeMethodAlias]
    public static string DockerRun(this ICakeContext context, DockerContainerRunSettings settings, string image, string? command, params string[] args) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["run"], settings, [image, .. command is null ? [] : new[] { command }, .. args])).Trim();

    [CakeMethodAlias]
    public static void DockerStop(this ICakeContext context, DockerContainerStopSettings settings, params string[] containers) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["stop"], settings, containers));

    [CakeMethodAlias]
    public static void DockerRm(this ICakeContext context, DockerContainerRmSettings settings, params string[] containers) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["rm"], settings, containers));

    /// <returns>One line per image, as the settings' Format writes it.</returns>
    [CakeMethodAlias]
    public static IEnumerable<string> DockerImageLs(this ICakeContext context, DockerImageLsSettings settings) =>
        DockerRunner.Run(context, settings, DockerArguments.Render(["image", "ls"], settings))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
