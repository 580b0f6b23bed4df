namespace CoralNet.Deploy.Output;

/// <summary>The SGR escape sequences of the sixteen console colours.</summary>
public static class AnsiColor
{
    public const string Reset = "\u001b[0m";

    private static readonly int[] Codes =
    [
        30, // Black
        34, // DarkBlue
        32, // DarkGreen
        36, // DarkCyan
        31, // DarkRed
        35, // DarkMagenta
        33, // DarkYellow
        37, // Gray
        90, // DarkGray
        94, // Blue
        92, // Green
        96, // Cyan
        91, // Red
        95, // Magenta
        93, // Yellow
        97, // White
    ];

    /// <summary>The sequence that sets <paramref name="foreground"/> and, unless it is black (the usual terminal's own), <paramref name="background"/>.</summary>
    public static string Set(ConsoleColor foreground, ConsoleColor background) =>
        background == ConsoleColor.Black
            ? $"\u001b[{Codes[(int)foreground]}m"
            : $"\u001b[{Codes[(int)foreground]};{Codes[(int)background] + 10}m";
}
