using System.Text.Json.Nodes;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Output;

/// <summary>The effective settings (ShowSettings, Default): "Path = value" lines, or the settings file's shape in JSON.</summary>
public sealed class SettingsResult(DeploySettings settings) : IRunResult
{
    public IEnumerable<string> Lines() => SettingsPrinter.Lines(settings);

    public JsonNode ToJson() => SettingsPrinter.Json(settings)!;
}
