using System.Security.Cryptography;
using System.Text;
using CoralNet.Deploy.Remote;

namespace CoralNet.Deploy.HostState;

/// <summary>
/// A file with this content, owner, group and mode. Content is compared by SHA-256 and written
/// atomically: staged, optionally validated (e.g. <c>visudo -cf</c>), installed beside the target
/// under a dotted name, then moved over it.
/// </summary>
public sealed class FileResource : IHostResource
{
    private readonly string _content;
    private readonly string? _validate;
    private readonly string? _onChange;

    /// <param name="validate">A command that gets the staged file as its last argument and must succeed before the file is installed.</param>
    /// <param name="onChange">sh run after the file was written (e.g. a checked reload of the service reading it); when it fails, the previous file (or none) is put back.</param>
    public FileResource(string path, string content, string owner, string group, int mode, string? validate = null, string? onChange = null)
    {
        if (!path.StartsWith('/') || path.EndsWith('/'))
        {
            throw new ArgumentException($"'{path}' is not an absolute file path.", nameof(path));
        }

        Path = path;
        _content = content;
        Owner = owner;
        Group = group;
        Mode = mode;
        _validate = validate;
        _onChange = onChange;
        Sha256 = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));
    }

    public string Path { get; }

    public string Owner { get; }

    public string Group { get; }

    public int Mode { get; }

    public string Sha256 { get; }

    public string Id => "file " + Path;

    public string Probe => "st " + Shell.Quote(Path);

    public Change? Plan(IReadOnlyList<string> state)
    {
        var current = FileState.Parse(state);
        if (current.Kind is not (FileKind.File or FileKind.Absent))
        {
            return new Change($"{Path} is a {current.Kind.ToString().ToLowerInvariant()}, not a file: remove it by hand", Fail($"{Path} is not a regular file"));
        }

        if (current.Kind == FileKind.Absent || current.Sha256 != Sha256)
        {
            return new Change(current.Kind == FileKind.Absent ? "absent" : "content differs", WriteCommand());
        }

        if (current.Owner != Owner || current.Group != Group || current.Mode != Mode)
        {
            return new Change(
                $"owner/mode {current.Owner}:{current.Group} {FileState.Octal(current.Mode)}, want {Owner}:{Group} {FileState.Octal(Mode)}",
                new RemoteCommand($"chown {Shell.Quote(Owner + ":" + Group)} {Shell.Quote(Path)} && chmod {FileState.Octal(Mode)} {Shell.Quote(Path)}", $"set owner and mode of {Path}"));
        }

        return null;
    }

    private RemoteCommand WriteCommand()
    {
        var directory = System.IO.Path.GetDirectoryName(Path)!;
        var staging = directory.TrimEnd('/') + "/." + System.IO.Path.GetFileName(Path) + ".coralnet-new";
        var payload = Convert.ToBase64String(Encoding.UTF8.GetBytes(_content));
        var validation = _validate is null
            ? ""
            : $"{_validate} \"$stage\" >&2 || {{ echo {Shell.Quote($"refused: '{_validate}' found errors in the new {Path}; nothing was installed")} >&2; exit 1; }}\n";
        var backup = directory.TrimEnd('/') + "/." + System.IO.Path.GetFileName(Path) + ".coralnet-old";
        // With a follow-up (a checked reload), the file it refuses is put back as it was, so that the
        // service's next restart does not read it: the previous file is kept aside (a dotted name no
        // include pattern reads) until the follow-up succeeded.
        var install = _onChange is null
            ? $"mv -f {Shell.Quote(staging)} {Shell.Quote(Path)}"
            : $"target={Shell.Quote(Path)} backup={Shell.Quote(backup)}\n"
              + "if [ -e \"$target\" ]; then cp -p \"$target\" \"$backup\"; else rm -f \"$backup\"; fi\n"
              + "trap 'code=$?; rm -f \"$stage\"; if [ \"$code\" -ne 0 ]; then if [ -e \"$backup\" ]; then mv -f \"$backup\" \"$target\"; else rm -f \"$target\"; fi; fi' EXIT\n"
              + $"mv -f {Shell.Quote(staging)} \"$target\"\n{_onChange}\nrm -f \"$backup\"";
        string Script(string body) => $"""
            set -e
            stage=$(mktemp)
            trap 'rm -f "$stage"' EXIT
            printf '%s' {body} | base64 -d > "$stage"
            {validation}mkdir -p {Shell.Quote(directory)}
            install -o {Shell.Quote(Owner)} -g {Shell.Quote(Group)} -m {FileState.Octal(Mode)} "$stage" {Shell.Quote(staging)}
            {install}
            """;
        return new RemoteCommand(Script(payload), $"write {Path}") { Display = Script($"<{_content.Length} characters of {Path}, base64>") };
    }

    private static RemoteCommand Fail(string message) => new($"echo {Shell.Quote(message)} >&2; exit 1", message);
}
