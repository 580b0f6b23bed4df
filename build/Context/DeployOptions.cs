using Cake.Frosting;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>The suite's own options of every target (the host's are in HostOptions; each task declares its own with [TaskArgument]).</summary>
public static class DeployOptions
{
    public const string Environment = "environment";

    public const string Hosts = "hosts";

    public const string Yes = "yes";

    public const string Report = "report";

    public static IReadOnlyList<OptionDeclaration> Global { get; } =
    [
        new(Environment, typeof(string), "the environment: its settings file is environments/NAME.json") { Placeholder = "NAME", Default = "sandbox" },
        new("aws-endpoint", typeof(string), "send every AWS call to this endpoint (an emulator); another spelling of the setting Aws_Endpoint") { Placeholder = "URL", ConfigurationKey = "Aws_Endpoint" },
        new(Hosts, typeof(string), "work only on these web hosts (comma-separated names, e.g. web1,web2); every host target honours it") { Placeholder = "NAMES" },
        new(Report, typeof(string), "also write the run as JSON: target, outcome, release and commit, and per task, host and item what was done (or, with --check, would be) with durations") { Placeholder = "FILE.json" },
        new(Yes, typeof(bool), "confirm a change by hand to a serving site outside the sandbox (Rollback, MaintenanceOn/Off, Unlock, Manage) without being asked: for CI"),
    ];

    /// <summary>The override keys of every setting (Site_Domain...), from the typed settings themselves.</summary>
    public static IEnumerable<string> SettingKeys() => SettingsBinder.Keys(typeof(DeploySettings));
}
