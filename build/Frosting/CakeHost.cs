// Stand-in for Cake.Frosting: this folder goes away when the package registry serves Cake.Frosting
// (see README.md here). Same public names and behaviour, written from Frosting's documentation
// on top of Cake.Core's engine; nothing deploy-specific belongs in this folder.
using System.Reflection;
using Cake.Core;
using Cake.Core.Configuration;
using Cake.Core.Diagnostics;
using Cake.Core.IO;
using Cake.Core.Packaging;
using Cake.Core.Tooling;
using Microsoft.Extensions.DependencyInjection;

namespace Cake.Frosting;

/// <summary>Builds and runs the task graph: <c>new CakeHost().UseContext&lt;T&gt;().Run(args)</c>.</summary>
public sealed class CakeHost
{
    private readonly List<Assembly> _assemblies = [];
    private readonly List<Action<IServiceCollection>> _configureServices = [];
    private Type _contextType = typeof(ICakeContext);
    private Type? _lifetimeType;
    private Type? _taskLifetimeType;
    private string? _workingDirectory;

    public CakeHost UseContext<TContext>()
        where TContext : class, ICakeContext
    {
        _contextType = typeof(TContext);
        return this;
    }

    public CakeHost UseLifetime<TLifetime>()
        where TLifetime : class, IFrostingLifetime
    {
        _lifetimeType = typeof(TLifetime);
        return this;
    }

    public CakeHost UseTaskLifetime<TLifetime>()
        where TLifetime : class, IFrostingTaskLifetime
    {
        _taskLifetimeType = typeof(TLifetime);
        return this;
    }

    /// <summary>Adds an assembly whose task classes join the graph (the entry assembly always does).</summary>
    public CakeHost AddAssembly(Assembly assembly)
    {
        _assemblies.Add(assembly);
        return this;
    }

    public CakeHost UseWorkingDirectory(string path)
    {
        _workingDirectory = path;
        return this;
    }

    /// <summary>Registers services that tasks, the context and lifetimes receive through their constructors.
    /// An <see cref="IConsole"/> registered here replaces the console everything is written to, an
    /// <see cref="ICakeReportPrinter"/> the task banners and summary; the parsed <see cref="HostOptions"/> are there to read.</summary>
    public CakeHost ConfigureServices(Action<IServiceCollection> configure)
    {
        _configureServices.Add(configure);
        return this;
    }

    public int Run(IEnumerable<string> args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<int> RunAsync(IEnumerable<string> args)
    {
        var options = HostOptions.Parse(args.ToList());
        using var services = BuildServices(options);
        var console = services.GetRequiredService<IConsole>();
        var log = services.GetRequiredService<ICakeLog>();

        if (options.Errors.Count > 0)
        {
            foreach (var error in options.Errors)
            {
                log.Error(error);
            }

            console.WriteLine("Run ./build.sh --help for the options.");
            return 1;
        }

        if (options.Help)
        {
            console.WriteLine(HostOptions.Usage);
            return 0;
        }

        if (options.Version)
        {
            console.WriteLine("{0} {1} (Cake.Core {2})", EntryAssembly.GetName().Name!, VersionOf(EntryAssembly), VersionOf(typeof(ICakeEngine).Assembly));
            return 0;
        }

        try
        {
            return await RunEngineAsync(options, services, console, log);
        }
        catch (Exception exception)
        {
            log.Error("Error: {0}", Unwrap(exception).Message);
            log.Verbose(Unwrap(exception).ToString());
            return 1;
        }
    }

    private async Task<int> RunEngineAsync(HostOptions options, ServiceProvider services, IConsole console, ICakeLog log)
    {
        var engine = services.GetRequiredService<ICakeEngine>();
        var cakeContext = services.GetRequiredService<ICakeContext>();
        ICakeContext? context = null;
        ICakeContext ResolveContext() => context ??= (ICakeContext)services.GetRequiredService(_contextType);

        var taskTypes = TaskRegistrar.FindTaskTypes(_assemblies.Prepend(EntryAssembly)).ToList();
        foreach (var taskType in taskTypes)
        {
            IFrostingTask? task = null;
            TaskRegistrar.Register(
                engine,
                taskType,
                () => task ??= (IFrostingTask)ActivatorUtilities.CreateInstance(services, taskType),
                ResolveContext);
        }

        var tasks = engine.Tasks.ToList();
        if (options.Descriptions)
        {
            GraphPrinter.WriteDescriptions(console, tasks);
            return 0;
        }

        if (!tasks.Any(task => task.Name.Equals(options.Target, StringComparison.OrdinalIgnoreCase)))
        {
            log.Error("Error: there is no task named '{0}'.", options.Target);
            console.WriteLine("The targets there are: {0}.", string.Join(", ", tasks.Select(task => task.Name).Order(StringComparer.OrdinalIgnoreCase)));
            return 1;
        }

        if (options.Tree)
        {
            GraphPrinter.WriteTree(console, tasks, options.Target);
            return 0;
        }

        // The context is made before any task runs, so that what it validates is reported first.
        ResolveContext();
        RegisterLifetimes(engine, services, ResolveContext);

        var settings = new ExecutionSettings().SetTarget(options.Target);
        if (options.Exclusive)
        {
            settings.UseExclusiveTarget();
        }

        var printer = services.GetRequiredService<ICakeReportPrinter>();
        if (options.DryRun)
        {
            log.Information("Performing a dry run of target '{0}': these tasks would run, in this order.", options.Target);
            await engine.RunTargetAsync(cakeContext, new DryRunExecutionStrategy(log), settings);
            return 0;
        }

        try
        {
            var report = await engine.RunTargetAsync(cakeContext, new DefaultExecutionStrategy(log, printer), settings);
            printer.Write(report);
            // A task whose OnError took the exception over is still reported failed, and fails the run.
            return report.Any(entry => entry.ExecutionStatus == CakeTaskExecutionStatus.Failed) ? 1 : 0;
        }
        catch (CakeReportException exception)
        {
            printer.Write(exception.Report);
            throw;
        }
    }

    private void RegisterLifetimes(ICakeEngine engine, IServiceProvider services, Func<ICakeContext> context)
    {
        if (_lifetimeType is not null)
        {
            var lifetime = (IFrostingLifetime)ActivatorUtilities.CreateInstance(services, _lifetimeType);
            engine.RegisterSetupAction(info => lifetime.Setup(context(), info));
            engine.RegisterTeardownAction(info => lifetime.Teardown(context(), info));
        }

        if (_taskLifetimeType is not null)
        {
            var taskLifetime = (IFrostingTaskLifetime)ActivatorUtilities.CreateInstance(services, _taskLifetimeType);
            engine.RegisterTaskSetupAction(info => taskLifetime.Setup(context(), info));
            engine.RegisterTaskTeardownAction(info => taskLifetime.Teardown(context(), info));
        }
    }

    private ServiceProvider BuildServices(HostOptions options)
    {
        var services = new ServiceCollection();
        services.AddSingleton(options);
        services.AddSingleton<ICakePlatform, CakePlatform>();
        services.AddSingleton<ICakeRuntime, CakeRuntime>();
        services.AddSingleton<ICakeEnvironment>(provider =>
        {
            var environment = new CakeEnvironment(provider.GetRequiredService<ICakePlatform>(), provider.GetRequiredService<ICakeRuntime>());
            var working = options.WorkingDirectory ?? _workingDirectory;
            if (working is not null)
            {
                environment.WorkingDirectory = new DirectoryPath(System.IO.Path.GetFullPath(working));
            }

            return environment;
        });
        services.AddSingleton<IFileSystem, FileSystem>();
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
        if (_contextType != typeof(ICakeContext))
        {
            services.AddSingleton(_contextType, provider => ActivatorUtilities.CreateInstance(provider, _contextType, provider.GetRequiredService<ICakeContext>()));
        }

        foreach (var configure in _configureServices)
        {
            configure(services);
        }

        return services.BuildServiceProvider();
    }

    private static Assembly EntryAssembly => Assembly.GetEntryAssembly() ?? typeof(CakeHost).Assembly;

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";

    private static Exception Unwrap(Exception exception) =>
        exception is CakeReportException or AggregateException or TargetInvocationException && exception.InnerException is not null
            ? Unwrap(exception.InnerException!)
            : exception;
}
