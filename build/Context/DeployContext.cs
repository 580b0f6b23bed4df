using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>The run's state: the chosen environment's settings, checked and with secrets resolved, before any task runs.</summary>
public sealed class DeployContext : FrostingContext
{
    public const string DefaultEnvironment = "sandbox";

    /// <param name="aws">How the run reaches AWS: the SDK's clients unless a test hands in fakes.</param>
    public DeployContext(ICakeContext context, SecretRedactor redactor, IAwsConnector? aws = null)
        : base(context)
    {
        RepositoryRoot = context.Environment.WorkingDirectory.FullPath;
        Aws = aws ?? new AwsClientFactory();
        var environment = context.Configuration.GetValue("environment") ?? DefaultEnvironment;
        (Settings, Secrets) = SettingsLoader.Load(
            RepositoryRoot,
            environment,
            key => context.Configuration.GetValue(key) ?? AliasedArgument(context.Arguments, key),
            context.Environment.GetEnvironmentVariable,
            redactor,
            settings => new SsmSecureParameters(Aws.Ssm(settings.Aws)));
    }

    public string RepositoryRoot { get; }

    /// <summary>--aws-endpoint=URL, the spelling AWS tools use, stands for the setting Aws_Endpoint.</summary>
    private static string? AliasedArgument(ICakeArguments arguments, string key) =>
        key == "Aws_Endpoint" && arguments.HasArgument("aws-endpoint") ? arguments.GetArgument("aws-endpoint") : null;

    public DeploySettings Settings { get; }

    public SecretStore Secrets { get; }

    public IAwsConnector Aws { get; }

    /// <summary>What ProvisionAws made (web host address, database endpoint, bucket), for the tasks after it; null until then.</summary>
    public AwsOutputs? AwsOutputs { get; set; }

    /// <summary>Where the run keeps what it makes locally (test results, reports): never in git.</summary>
    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
}
