namespace CoralNet.Deploy.Release;

/// <summary>
/// Moves a host that now holds the certificate to https (nginx -t first: a refused config leaves it
/// serving as before), reloads nginx for a renewed one, and checks the serving release answers over
/// https; a host that served http before goes back to it when that check fails.
/// </summary>
public sealed class HttpsMove(ReleaseRunner runner, ReleaseCommands commands, NginxSites nginx, IHealthProbe probe, TimeSpan healthCheckTimeout)
{
    public async Task RunAsync(HostRelease state, string release)
    {
        var host = state.Host;
        var serving = state.ServingSlot ?? throw new InvalidOperationException("No gunicorn instance serves on " + host.Name);
        var wasTls = nginx.ServesTls(host, state.Before);
        nginx.MoveToTls(host);
        try
        {
            await runner.RunAsync(host, commands.Cutover.InstallNginxSite(nginx.For(host, state.Before, serving)));
            if (await probe.WaitForAsync(host, release, healthCheckTimeout, runner.Cancellation) is { } problem)
            {
                throw new ReleaseException($"{host.Name}: the site does not answer over https: {problem}");
            }
        }
        catch when (!wasTls)
        {
            // A host moving to https for the first time goes back to serving over http, as before.
            nginx.MoveBackToHttp(host);
            await runner.RunAsync(host, commands.Cutover.InstallNginxSite(nginx.For(host, state.Before, serving)), cancellable: false);
            throw;
        }
    }
}
