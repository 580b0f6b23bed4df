using CoralNet.Deploy.Database;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>Where the run's database is: the sandbox's database host, or the RDS instance AWS has for the environment.</summary>
internal static class DatabaseOfTheRun
{
    public static async Task<DatabaseEndpoint> EndpointAsync(DeployContext context) =>
        DatabaseEndpoint.For(
            context.Settings,
            context.Settings.Provider == ProviderKind.Aws ? (await CakeAwsLog.HostsAsync(context)).Database() : null);
}
