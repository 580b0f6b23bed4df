using Cake.Frosting;

namespace CoralNet.Deploy.Output;

/// <summary>
/// Whether one stream gets colour. Cake's own console asks TERM only, so a file or a pipe got escape
/// codes; here each stream decides for itself: always, never, or (auto) only when it is a terminal,
/// NO_COLOR is unset or empty (no-color.org) and TERM is not "dumb".
/// </summary>
public static class ColorChoice
{
    public static bool For(ColorMode mode, bool redirected, Func<string, string?> environment) => mode switch
    {
        ColorMode.Always => true,
        ColorMode.Never => false,
        _ => !redirected
            && string.IsNullOrEmpty(environment("NO_COLOR"))
            && !string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal),
    };
}
