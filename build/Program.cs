using Cake.Core;
using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks;
using Microsoft.Extensions.DependencyInjection;

return new CakeHost()
    .UseContext<DeployContext>()
    .UseLifetime<DeployLifetime>()
    .ConfigureServices(services =>
    {
        services.AddTaskServices();
        services.AddSingleton<IConsole>(provider => new RedactingConsole(
            new CakeConsole(provider.GetRequiredService<ICakeEnvironment>()),
            provider.GetRequiredService<SecretRedactor>()));
    })
    .Run(args);
