using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>The run's state: the chosen environment's settings, checked and with secrets resolved, before any task runs.</summary>
public sealed class DeployContext : FrostingContext
{
    /// <param name="aws">How the run reaches AWS: the SDK's clients unless a test hands in fakes.</param>
    public DeployContext(ICakeContext context, HostOptions options, SecretRedactor redactor, IAwsConnector? aws = null)
        : base(context)
    {
        RepositoryRoot = context.Environment.WorkingDirectory.FullPath;
        Aws = aws ?? new AwsClientFactory();
        Options = options;
        (Settings, Secrets) = SettingsLoader.Load(
            RepositoryRoot,
            options.Get<string>(DeployOptions.Environment),
            context.Configuration.GetValue,
            context.Environment.GetEnvironmentVariable,
            redactor,
            settings => new SsmSecureParameters(Aws.Ssm(settings.Aws)));
    }

    public string RepositoryRoot { get; }

    /// <summary>The run's command line, typed: --check and each task's options.</summary>
    public HostOptions Options { get; }

    public DeploySettings Settings { get; }

    public SecretStore Secrets { get; }

    public IAwsConnector Aws { get; }

    /// <summary>What ProvisionAws made (web host address, database endpoint, bucket), for the tasks after it; null until then.</summary>
    public AwsOutputs? AwsOutputs { get; set; }

    /// <summary>Where the run keeps what it makes locally (test results, reports): never in git.</summary>
    public string ArtifactsDirectory => Path.Combine(RepositoryRoot, "artifacts");
}
