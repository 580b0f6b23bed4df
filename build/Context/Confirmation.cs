using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Context;

/// <summary>
/// Targets that change a serving site by hand ask before they run outside the sandbox: the person at
/// the terminal types the environment's name; CI says --yes. Without a terminal and without --yes
/// they are refused before anything runs.
/// </summary>
public static class Confirmation
{
    public static readonly IReadOnlySet<string> Targets = new HashSet<string>(["Rollback", "MaintenanceOn", "MaintenanceOff", "Unlock", "Manage"], StringComparer.OrdinalIgnoreCase);

    /// <param name="ask">Asks the question on the terminal and returns the answer; null when standard input is no terminal.</param>
    public static void Require(DeployContext context, string target, Func<string, string?>? ask) =>
        Require(target, context.Settings.Environment, context.Settings.Provider == ProviderKind.Sandbox, context.Options.Get<bool>(DeployOptions.Yes), ask);

    /// <param name="sandbox">Whether the environment is the sandbox, where nothing is asked.</param>
    /// <param name="yes">--yes: confirmed without asking.</param>
    public static void Require(string target, string environment, bool sandbox, bool yes, Func<string, string?>? ask)
    {
        if (!Targets.Contains(target) || sandbox || yes)
        {
            return;
        }

        if (ask is null)
        {
            throw new InvalidOperationException($"{target} changes the serving site of the environment '{environment}' by hand, and there is no terminal to confirm it on: add --yes (as CI does) to confirm; nothing was done.");
        }

        var answer = ask($"{target} changes the serving site of '{environment}'. Type the environment's name to go on: ");
        if (answer?.Trim() != environment)
        {
            throw new InvalidOperationException($"Not confirmed (the answer was not '{environment}'): nothing was done.");
        }
    }

    /// <summary>The process's terminal, when standard input is one.</summary>
    public static Func<string, string?>? Terminal() => Console.IsInputRedirected
        ? null
        : question =>
        {
            Console.Error.Write(question);
            return Console.ReadLine();
        };
}
