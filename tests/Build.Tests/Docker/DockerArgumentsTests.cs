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
            BuildArg = ["A=1"],
            Network = "none",
            NoCache = true,
        };

        Assert.That(DockerArguments.Render(["build"], settings, "/ctx"), Is.EqualTo(new[]
        {
            "build", "--file", "/tmp/Dockerfile", "--tag", "registry:5000/site:1", "--tag", "registry:5000/site:git-abc",
            "--build-arg", "A=1", "--network", "none", "--no-cache", "/ctx",
        }));
    }

    [Test]
    public void An_unset_property_is_no_flag_and_false_is_written_out()
    {
        Assert.That(DockerArguments.Render(["push"], new DockerImagePushSettings(), "site:1"), Is.EqualTo(new[] { "push", "site:1" }));
        Assert.That(DockerArguments.Render(["push"], new DockerImagePushSettings { DisableContentTrust = false }, "site:1"),
            Is.EqualTo(new[] { "push", "--disable-content-trust=false", "site:1" }));
    }

    [Test]
    public void Run_renders_the_flags_of_a_locked_down_container_before_the_image_and_its_command()
    {
        var settings = new DockerContainerRunSettings
        {
            Name = "coralnet-8001",
            Detach = true,
            Init = true,
            ReadOnly = true,
            User = "65534:65534",
            Network = "host",
            EnvFile = ["/run/site.env"],
            LogDriver = "journald",
        };

        Assert.That(DockerArguments.Render(["run"], settings, "site:1", "gunicorn", "config.wsgi"), Is.EqualTo(new[]
        {
            "run", "--name", "coralnet-8001", "--detach", "--init", "--read-only", "--user", "65534:65534", "--network", "host",
            "--env-file", "/run/site.env", "--log-driver", "journald", "site:1", "gunicorn", "config.wsgi",
        }));
    }

    [Test]
    public void Numbers_are_written_invariantly_and_lists_repeat_their_flag()
    {
        Assert.That(DockerArguments.Render(["stop"], new DockerContainerStopSettings { Time = 10 }, "a", "b"),
            Is.EqualTo(new[] { "stop", "--time", "10", "a", "b" }));
        Assert.That(DockerArguments.Render(["image", "ls"], new DockerImageLsSettings { Filter = ["dangling=true", "label=x"], Format = "{{.ID}}", NoTrunc = true }),
            Is.EqualTo(new[] { "image", "ls", "--filter", "dangling=true", "--filter", "label=x", "--format", "{{.ID}}", "--no-trunc" }));
        Assert.That(DockerArguments.Render(["rm"], new DockerContainerRmSettings { Force = true }, "old"), Is.EqualTo(new[] { "rm", "--force", "old" }));
    }

    [Test]
    public void Cakes_own_tool_settings_are_no_flags()
    {
        var settings = new DockerImageTagSettings { ToolPath = "/usr/bin/docker" };
        settings.EnvironmentVariables["DOCKER_HOST"] = "unix:///x.sock";

        Assert.That(DockerArguments.Render(["tag"], settings, "a:1", "b:1"), Is.EqualTo(new[] { "tag", "a:1", "b:1" }));
    }
}
