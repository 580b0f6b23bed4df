using CoralNet.Deploy.Context;
using CoralNet.Deploy.Database;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Aws;

namespace CoralNet.Deploy.Tasks.Database;

/// <summary>Where the run's database is: the sandbox's database host, or the RDS instance AWS has for the environment.</summary>
internal static class DatabaseOfTheRun
{
    public static async Task<DatabaseEndpoint> EndpointAsync(DeployContext context) =>
        DatabaseEndpoint.For(
            context.Settings,
            context.Settings.Provider == ProviderKind.Aws ? (await CakeAwsLog.HostsAsync(context)).Database() : null);
}
