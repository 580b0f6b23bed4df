using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Tests.Templates;

public sealed class TemplateRendererTests
{
    [Test]
    public void ReplacesEveryPlaceholder()
    {
        var rendered = TemplateRenderer.RenderText("t", "server_name {{ Domain }};\nlisten {{Port}}; # {{ Domain }}", new Dictionary<string, string> { ["Domain"] = "example.org", ["Port"] = "80" });

        Assert.That(rendered, Is.EqualTo("server_name example.org;\nlisten 80; # example.org"));
    }

    [Test]
    public void AMissingOrUnusedValueIsAnError()
    {
        Assert.That(() => TemplateRenderer.RenderText("site.conf", "{{ Domain }} {{ Port }}", new Dictionary<string, string> { ["Domain"] = "x", ["Colour"] = "red" }),
            Throws.InvalidOperationException.With.Message.EqualTo("Template site.conf: no value for Port; no placeholder for Colour"));
    }

    [Test]
    public void AnUnknownTemplateIsAnError()
    {
        Assert.That(() => TemplateRenderer.Load("no-such-template"), Throws.TypeOf<FileNotFoundException>());
    }
}
