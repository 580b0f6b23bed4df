using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>The run's state: the chosen environment's settings, checked and with secrets resolved, before any task runs.</summary>
public sealed class DeployContext : FrostingContext
{
    public const string DefaultEnvironment = "sandbox";

    public DeployContext(ICakeContext context, SecretRedactor redactor)
        : base(context)
    {
        RepositoryRoot = context.Environment.WorkingDirectory.FullPath;
        var environment = context.Configuration.GetValue("environment") ?? DefaultEnvironment;
        (Settings, Secrets) = SettingsLoader.Load(
            RepositoryRoot,
            environment,
            key => context.Configuration.GetValue(key) ?? AliasedArgument(context.Arguments, key),
            context.Environment.GetEnvironmentVariable,
            redactor);
    }

    public string RepositoryRoot { get; }

    /// <summary>--aws-endpoint=URL, the spelling AWS tools use, stands for the setting Aws_Endpoint.</summary>
    private static string? AliasedArgument(ICakeArguments arguments, string key) =>
        key == "Aws_Endpoint" && arguments.HasArgument("aws-endpoint") ? arguments.GetArgument("aws-endpoint") : null;

    public DeploySettings Settings { get; }

    public SecretStore Secrets { get; }

    /// <summary>Where the run keeps what it makes locally (test results, reports): never in git.</summary>
    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
}
