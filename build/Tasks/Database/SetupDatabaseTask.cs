using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Database;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Tasks.Release;

namespace CoralNet.Deploy.Tasks.Database;

[TaskName("SetupDatabase")]
[TaskDescription("Through an SSH tunnel over the first web host: the site's role and database, the role owning the database and its public schema; checked by the role's own login, changed as the master user only where it differs")]
[IsDependentOn(typeof(ProvisionTask))]
[CheckMode(CheckBehaviour.SaysWhatItWouldDo)]
[SkipReason("the deploy is up to date: the serving release's health check, just answered, covers the database")]
public sealed class SetupDatabaseTask(RunConnections connections, RunRecorder recorder, ReleaseRunSession release) : AsyncFrostingTask<DeployContext>
{
    public override bool ShouldRun(DeployContext context) => !release.UpToDate;

    public override async Task RunAsync(DeployContext context)
    {
        var settings = context.Settings;
        try
        {
            var endpoint = await DatabaseOfTheRun.EndpointAsync(context);
            var request = DatabaseSetupRequest.From(settings.Database, context.Secrets);
            var (pool, webHosts) = await connections.OpenAsync(context, "set up the database");
            var via = webHosts[0];
            context.Log.Verbose("Database {0} through an SSH tunnel over {1}, as {2}", endpoint, via, request.MasterUser);
            using var tunnel = new DatabaseTunnel(await pool.GetConnectedAsync(via), endpoint);
            var connector = new DatabaseConnector(
                tunnel,
                endpoint,
                via.ToString(),
                TimeSpan.FromSeconds(settings.Timeouts.ConnectSeconds),
                TimeSpan.FromSeconds(settings.Timeouts.CommandSeconds));
            var result = await DatabaseSetup.RunAsync(connector, request);
            release.AppliedMigrations = result.AppliedMigrations;
            foreach (var item in result.Items)
            {
                context.Log.Verbose("  {0}", item);
                recorder.Record(new ItemRecord("SetupDatabase", "database", item.Item, item.Status, TimeSpan.Zero, item.Detail));
            }
        }
        catch (DatabaseSetupException exception)
        {
            throw new CakeException(exception.Message);
        }
    }
}
