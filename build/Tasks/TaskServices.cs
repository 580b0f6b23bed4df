using CoralNet.Deploy.Context;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Host;
using CoralNet.Deploy.Tasks.Release;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tasks;

/// <summary>The run's shared services that tasks receive through their constructors: Program and in-process test runs register the same.</summary>
public static class TaskServices
{
    public static IServiceCollection AddTaskServices(this IServiceCollection services) => services
        .AddSingleton<SecretRedactor>()
        .AddSingleton<RunConnections>()
        .AddSingleton<HostRunSession>()
        .AddSingleton<ReleaseRunSession>();
}
