using Cake.Docker;

namespace CoralNet.Deploy.Tests.Docker;

public sealed class DockerArgumentsTests
{
    [Test]
    public void Build_renders_each_set_property_as_its_flag_in_kebab_case_then_the_path()
    {
        var settings = new DockerImageBuildSettings
        {
            File = "/tmp/Dockerfile",
            Tag = ["registry:5000/site:1", "registry:5000/site:git-abc"],
        };

        Assert.That(DockerArguments.Render(["build"], settings, "/ctx"), Is.EqualTo(new[]
        {
            "build", "--file", "/tmp/Dockerfile", "--tag", "registry:5000/site:1", "--tag", "registry:5000/site:git-abc", "/ctx",
        }));
    }

    [Test]
    public void True_is_the_bare_flag_and_false_or_unset_is_no_flag_as_in_Cake_Docker()
    {
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings { Quiet = true }), Is.EqualTo(new[] { "image", "ls", "--quiet" }));
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings { Quiet = false }), Is.EqualTo(new[] { "image", "ls" }));
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings()), Is.EqualTo(new[] { "image", "ls" }));
    }

    [Test]
    public void Lists_repeat_their_flag()
    {
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings { Filter = ["dangling=true", "label=x"] }),
            Is.EqualTo(new[] { "image", "ls", "--filter", "dangling=true", "--filter", "label=x" }));
    }

    [Test]
    public void The_listing_s_format_and_rmi_s_images_render_as_docker_reads_them()
    {
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings { Format = "{{.Repository}}:{{.Tag}} {{.ID}}" }),
            Is.EqualTo(new[] { "image", "ls", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}" }));
        Assert.That(DockerArguments.Render(["rmi"], new DockerImageRemoveSettings(), "r/site:1", "r/site:git-a"), Is.EqualTo(new[] { "rmi", "r/site:1", "r/site:git-a" }));
    }

    [Test]
    public void Cakes_own_tool_settings_are_no_flags()
    {
        var settings = new DockerImageTagSettings { ToolPath = "/usr/bin/docker" };
        settings.EnvironmentVariables["DOCKER_HOST"] = "unix:///x.sock";

        Assert.That(DockerArguments.Render(["tag"], settings, "a:1", "b:1"), Is.EqualTo(new[] { "tag", "a:1", "b:1" }));
    }

    [Test]
    public void Login_names_the_user_and_reads_the_password_from_standard_input_never_from_an_argument()
    {
        var settings = new DockerRegistryLoginSettings { Username = "AWS", PasswordStdin = true };

        Assert.That(DockerArguments.Render(["login"], settings, "123456789012.dkr.ecr.us-west-2.amazonaws.com"),
            Is.EqualTo(new[] { "login", "--username", "AWS", "--password-stdin", "123456789012.dkr.ecr.us-west-2.amazonaws.com" }));
        Assert.That(typeof(DockerRegistryLoginSettings).GetProperties().Select(property => property.Name), Has.None.EqualTo("Password"));
    }
}
