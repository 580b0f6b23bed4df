// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Tooling;
using Microsoft.Extensions.DependencyInjection;

namespace Cake.Frosting;

/// <summary>Cake.Core's services for one run, with the parsed options, the context and the application's own services.</summary>
internal static class HostServices
{
    /// <param name="workingDirectory">The working directory the host was given in code; --working overrides it.</param>
    public static ServiceProvider Build(HostOptions options, Type contextType, string? workingDirectory, IEnumerable<Action<IServiceCollection>> configureServices)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ICakePlatform, CakePlatform>();
        services.AddSingleton<ICakeRuntime, CakeRuntime>();
        services.AddSingleton<ICakeEnvironment>(provider =>
        {
            var environment = new CakeEnvironment(provider.GetRequiredService<ICakePlatform>(), provider.GetRequiredService<ICakeRuntime>());
            var working = options.WorkingDirectory ?? workingDirectory;
            // A folder that does not exist is a usage error, reported once the console exists.
            if (working is not null && Directory.Exists(working))
            {
                environment.WorkingDirectory = new DirectoryPath(System.IO.Path.GetFullPath(working));
            }

            return environment;
        });
        services.AddSingleton<IFileSystem, FileSystem>();
        services.AddSingleton<RunSignals>();
        services.AddSingleton(options);
        services.AddSingleton<IConsole>(provider => new CakeConsole(provider.GetRequiredService<ICakeEnvironment>()));
        services.AddSingleton<ICakeLog>(provider => new CakeBuildLog(provider.GetRequiredService<IConsole>(), options.Verbosity));
        services.AddSingleton<ICakeArguments>(new CakeArguments(options.Arguments.ToLookup(a => a.Key, a => a.Value, StringComparer.OrdinalIgnoreCase)));
        services.AddSingleton<ICakeConfiguration, LayeredConfiguration>();
        services.AddSingleton<IGlobber, Globber>();
        services.AddSingleton<IRegistry, WindowsRegistry>();
        services.AddSingleton<ICakeDataService, CakeDataService>();
        services.AddSingleton<IToolRepository, ToolRepository>();
        services.AddSingleton<IToolResolutionStrategy, ToolResolutionStrategy>();
        services.AddSingleton<IToolLocator, ToolLocator>();
        services.AddSingleton<IProcessRunner, ProcessRunner>();
        services.AddSingleton<IToolInstaller>(provider => new ToolInstaller(
            provider.GetRequiredService<ICakeEnvironment>(), provider.GetRequiredService<IToolLocator>(),
            provider.GetRequiredService<ICakeConfiguration>(), provider.GetRequiredService<ICakeLog>(), Array.Empty<IPackageInstaller>()));
        services.AddSingleton<ICakeEngine>(provider => new CakeEngine(provider.GetRequiredService<ICakeDataService>(), provider.GetRequiredService<ICakeLog>()));
        services.AddSingleton<ICakeContext>(provider => new CakeContext(
            provider.GetRequiredService<IFileSystem>(), provider.GetRequiredService<ICakeEnvironment>(),
            provider.GetRequiredService<IGlobber>(), provider.GetRequiredService<ICakeLog>(),
            provider.GetRequiredService<ICakeArguments>(), provider.GetRequiredService<IProcessRunner>(),
            provider.GetRequiredService<IRegistry>(), provider.GetRequiredService<IToolLocator>(),
            provider.GetRequiredService<ICakeDataService>(), provider.GetRequiredService<ICakeConfiguration>(),
            provider.GetRequiredService<IToolInstaller>(), provider));
        services.AddSingleton<ICakeReportPrinter>(provider => new CakeReportPrinter(provider.GetRequiredService<IConsole>(), provider.GetRequiredService<ICakeContext>()));
        if (contextType != typeof(ICakeContext))
        {
            services.AddSingleton(contextType, provider => ActivatorUtilities.CreateInstance(provider, contextType, provider.GetRequiredService<ICakeContext>()));
        }

        foreach (var configure in configureServices)
        {
            configure(services);
        }

        return services.BuildServiceProvider();
    }
}
