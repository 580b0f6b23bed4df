using Cake.Frosting;
using CoralNet.Deploy.Context;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Output;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Tasks.Container;
using CoralNet.Deploy.Tasks.Host;
using CoralNet.Deploy.Tasks.Release;
using Microsoft.Extensions.DependencyInjection;

namespace CoralNet.Deploy.Tasks;

/// <summary>The run's shared services that tasks receive through their constructors: Program and in-process test runs register the same.</summary>
public static class TaskServices
{
    public static IServiceCollection AddTaskServices(this IServiceCollection services) => services
        .AddSingleton<SecretRedactor>()
        .AddSingleton(provider => new RunRecorder(provider.GetRequiredService<HostOptions>().Check))
        .AddSingleton(_ => new DataOutput(Console.Out))
        .AddSingleton<RunOutput>()
        .AddSingleton<RunConnections>()
        .AddSingleton<RunAudit>()
        .AddSingleton<RunTasks>()
        .AddSingleton<HostRunSession>()
        .AddSingleton<ReleaseRunSession>()
        .AddSingleton<LoadBalancerSession>()
        .AddSingleton<ImageRunSession>()
        .AddSingleton<RunRegistry>();
}
