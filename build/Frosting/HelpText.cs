// Stand-in for Cake.Frosting (see README.md in this folder); goes away when Cake.Frosting is served.
using System.Text;

namespace Cake.Frosting;

/// <summary>--help: every option from its declaration, the rule on other options, and the exit codes.</summary>
internal static class HelpText
{
    public static string For(IReadOnlyList<OptionDeclaration> declarations)
    {
        var text = new StringBuilder();
        text.AppendLine("Usage: ./build.sh [--target=NAME] [options] [--section_key=value ...]");
        text.AppendLine();
        text.AppendLine("Options of every target:");
        Append(text, declarations.Where(d => d.IsGlobal), _ => "");
        text.AppendLine();
        text.AppendLine("Options of some targets (a target takes the options of every task it runs; --description shows them per task):");
        Append(text, declarations.Where(d => !d.IsGlobal), d => $" [{string.Join(", ", d.Tasks)}]");
        text.AppendLine();
        text.AppendLine("A setting is overridden by its key, the section and name joined with '_': --section_key=value, the");
        text.AppendLine("environment variable CAKE_SECTION_KEY, or cake.config's [Section] Key=value. Any other option, variable");
        text.AppendLine("or key is refused before anything runs, naming the closest known one.");
        text.AppendLine();
        text.AppendLine("Exit codes: 0 done; 1 failed (the error says what to do); 2 usage error (nothing ran).");
        return text.ToString();
    }

    /// <summary>The option lines of one task, for --description.</summary>
    public static IEnumerable<string> Lines(IEnumerable<OptionDeclaration> declarations, string indent) =>
        declarations.Select(d => $"{indent}{d.Usage}  {Help(d)}");

    private static void Append(StringBuilder text, IEnumerable<OptionDeclaration> declarations, Func<OptionDeclaration, string> suffix)
    {
        var list = declarations.ToList();
        var width = list.Count == 0 ? 0 : list.Max(d => d.Usage.Length) + 2;
        foreach (var declaration in list)
        {
            text.AppendLine($"  {declaration.Usage.PadRight(width)}{Help(declaration)}{suffix(declaration)}");
        }
    }

    private static string Help(OptionDeclaration declaration) =>
        declaration.Default is null || declaration.IsSwitch ? declaration.Help : $"{declaration.Help} (default: {declaration.Default})";
}
