// Stand-in for Cake.Frosting: this folder goes away when the package registry serves Cake.Frosting
// (see README.md here). Same public names and behaviour, written from Frosting's documentation
// on top of Cake.Core's engine; nothing deploy-specific belongs in this folder.
using System.Reflection;
using Cake.Core;
using Cake.Core.Diagnostics;
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
    private readonly List<OptionDeclaration> _options = [];
    private Func<IEnumerable<string>> _configurationKeys = () => [];
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

    /// <summary>Declares an option of every target that the application reads (typed, from <see cref="HostOptions"/>).</summary>
    public CakeHost AddOption(OptionDeclaration option)
    {
        _options.Add(option);
        return this;
    }

    /// <summary>The configuration keys the application reads (Section_Key): an override naming another key is refused.</summary>
    public CakeHost UseConfigurationKeys(Func<IEnumerable<string>> keys)
    {
        _configurationKeys = keys;
        return this;
    }

    public int Run(IEnumerable<string> args) => RunAsync(args).GetAwaiter().GetResult();

    public async Task<int> RunAsync(IEnumerable<string> args)
    {
        var taskTypes = TaskRegistrar.FindTaskTypes(_assemblies.Prepend(EntryAssembly)).ToList();
        var declarations = OptionCatalog.Build(HostOptions.HostDeclarations.Concat(_options), taskTypes);
        var keys = new ConfigurationKeys(_configurationKeys());
        var options = HostOptions.Parse(args.ToList(), declarations, keys.Contains, keys.All);
        if (options.WorkingDirectory is { } working && !Directory.Exists(working))
        {
            options.Errors.Add($"--working={working}: there is no such directory; name the repository's folder (the one with cake.config), or leave --working out to use the current one.");
        }

        using var services = BuildServices(options);
        var console = services.GetRequiredService<IConsole>();
        var log = services.GetRequiredService<ICakeLog>();
        if (options.Errors.Count == 0 && !options.Help && !options.Version)
        {
            var environment = services.GetRequiredService<ICakeEnvironment>();
            options.Errors.AddRange(keys.Problems(
                environment.GetEnvironmentVariables(),
                System.IO.Path.Combine(environment.WorkingDirectory.FullPath, "cake.config")));
        }

        if (options.Errors.Count > 0)
        {
            return UsageError(console, log, options.Errors);
        }

        if (options.Help)
        {
            console.Write(HelpText.For(declarations));
            return 0;
        }

        if (options.Version)
        {
            console.WriteLine("{0} {1} (Cake.Core {2})", EntryAssembly.GetName().Name!, VersionOf(EntryAssembly), VersionOf(typeof(ICakeEngine).Assembly));
            return 0;
        }

        var signals = services.GetRequiredService<RunSignals>();
        signals.Listen();
        var failures = new FailurePolicy(log, services.GetService<IFailureDescriber>(), signals);
        int code;
        try
        {
            code = await RunEngineAsync(options, taskTypes, services, console, log, failures, signals.Stopping);
        }
        catch (Exception exception)
        {
            code = failures.Report(exception);
        }

        // A run a signal stopped says so in its exit code, whatever its tasks did after the signal.
        return signals.ExitCode ?? code;
    }

    private async Task<int> RunEngineAsync(HostOptions options, List<Type> taskTypes, ServiceProvider services, IConsole console, ICakeLog log, FailurePolicy failures, CancellationToken stopping)
    {
        var engine = services.GetRequiredService<ICakeEngine>();
        var cakeContext = services.GetRequiredService<ICakeContext>();
        ICakeContext? context = null;
        ICakeContext ResolveContext() => context ??= (ICakeContext)services.GetRequiredService(_contextType);

        foreach (var taskType in taskTypes)
        {
            IFrostingTask? task = null;
            TaskRegistrar.Register(
                engine,
                taskType,
                () => task ??= (IFrostingTask)ActivatorUtilities.CreateInstance(services, taskType),
                ResolveContext,
                options,
                failures.Skipped,
                stopping);
        }

        var tasks = engine.Tasks.ToList();
        if (options.Descriptions)
        {
            GraphPrinter.WriteDescriptions(console, tasks, options.Declarations);
            return 0;
        }

        if (!tasks.Any(task => task.Name.Equals(options.Target, StringComparison.OrdinalIgnoreCase)))
        {
            var names = tasks.Select(task => task.Name).Order(StringComparer.OrdinalIgnoreCase).ToList();
            var closest = NameSuggestion.Closest(options.Target, names);
            return UsageError(console, log, [$"There is no task named '{options.Target}'{(closest is null ? "" : $": did you mean {closest}?")} The targets there are: {string.Join(", ", names)}."]);
        }

        if (options.Tree)
        {
            GraphPrinter.WriteTree(console, tasks, options.Target);
            return 0;
        }

        var problems = TargetRules.Problems(options, tasks, taskTypes.ToDictionary(TaskRegistrar.NameOf, StringComparer.OrdinalIgnoreCase)).ToList();
        if (problems.Count > 0)
        {
            return UsageError(console, log, problems);
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
            return report.Any(entry => entry.ExecutionStatus == CakeTaskExecutionStatus.Failed) ? ExitCodes.Failure : 0;
        }
        catch (CakeReportException exception)
        {
            printer.Write(exception.Report);
            throw;
        }
    }

    private static int UsageError(IConsole console, ICakeLog log, IEnumerable<string> errors)
    {
        foreach (var error in errors)
        {
            log.Error("Error: {0}", error);
        }

        console.WriteLine("Run ./build.sh --help for the options.");
        return ExitCodes.UsageError;
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

    private ServiceProvider BuildServices(HostOptions options) =>
        HostServices.Build(options, _contextType, _workingDirectory, _configureServices);

    private static Assembly EntryAssembly => Assembly.GetEntryAssembly() ?? typeof(CakeHost).Assembly;

    private static string VersionOf(Assembly assembly) =>
        assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? assembly.GetName().Version?.ToString() ?? "unknown";
}
