using Cake.Core;
using Cake.Frosting;
using Cake.Core.Diagnostics;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Context;

/// <summary>The suite's host, put together in one place for the program and for tests that run the real graph.</summary>
public static class DeployHost
{
    /// <param name="console">The console to write to (masked); the process's streams, coloured as --color and NO_COLOR say, when null.</param>
    public static CakeHost Create(IConsole? console = null) =>
        DeployOptions.Global.Aggregate(new CakeHost(), (host, option) => host.AddOption(option))
            .UseConfigurationKeys(DeployOptions.SettingKeys)
            .UseContext<DeployContext>()
            .UseLifetime<DeployLifetime>()
            .UseTaskLifetime<DeployTaskLifetime>()
            .AddAssembly(typeof(DeployHost).Assembly)
            .ConfigureServices(services =>
            {
                services.AddTaskServices();
                services.AddSingleton<IAwsConnector>(_ => new AwsClientFactory());
                services.AddSingleton<IFailureDescriber, DeployFailures>();
                services.AddSingleton<IConsole>(provider => new RedactingConsole(
                    console ?? StreamConsole.ForProcess(provider.GetRequiredService<HostOptions>(), provider.GetRequiredService<ICakeEnvironment>().GetEnvironmentVariable),
                    provider.GetRequiredService<SecretRedactor>()));
                services.AddSingleton<ICakeReportPrinter>(provider => new StepsAtVerbose(
                    new CakeReportPrinter(provider.GetRequiredService<IConsole>(), provider.GetRequiredService<ICakeContext>()),
                    provider.GetRequiredService<ICakeLog>()));
            });
}
