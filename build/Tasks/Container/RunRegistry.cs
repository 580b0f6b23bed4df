using Cake.Core.Diagnostics;
using Cake.Docker;
using CoralNet.Deploy.Aws;
using CoralNet.Deploy.Container;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Tasks.Container;

/// <summary>
/// The registry of the run, resolved once: on AWS the environment's ECR repository (its URI names
/// the images; the docker client logs in with GetAuthorizationToken's password, which only the
/// redactor and the client's standard input see), elsewhere Container.Registry (the suite's own on
/// a loopback address), which must answer. The web hosts pull from the same <see cref="ImageRegistry"/>.
/// </summary>
public sealed class RunRegistry(ImageRunSession session, SecretRedactor redactor)
{
    private ImageRegistry? _registry;
    private bool _loggedIn;

    public async Task<ImageRegistry> ResolveAsync(DeployContext context)
    {
        if (_registry is null)
        {
            if (context.Settings.Provider == ProviderKind.Aws)
            {
                using var services = context.Aws.Connect(context.Settings.Aws, new CakeAwsLog(context.Log));
                _registry = await EcrRegistry.ResolveAsync(services.Registry, context.Settings, redactor.Register, CancellationToken.None);
            }
            else
            {
                session.Registry(context).RequireAnswering();
                _registry = ImageRegistry.Plain(context.Settings);
            }
        }

        return _registry;
    }

    /// <summary>Logs the docker client in to the registry when it asks for a login (once per run); the engine must be running.</summary>
    public async Task LogInAsync(DeployContext context)
    {
        var registry = await ResolveAsync(context);
        if (registry.Login is { } login && !_loggedIn)
        {
            context.DockerLogin(new DockerRegistryLoginSettings { Username = login.User }, login.Address, login.Password.Reveal());
            _loggedIn = true;
            context.Log.Verbose("logged in to {0} as {1}", login.Address, login.User);
        }
    }
}
