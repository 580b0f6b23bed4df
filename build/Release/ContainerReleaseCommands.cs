using CoralNet.Deploy.Container;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Templates;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>
/// The commands of a release of Site.Runtime container on a web host: the release's directory (its
/// id, manifest, image name and, later, collected static files; no code) and the image pulled, then
/// migrate and collectstatic as one-off containers of the image. A container runs as nobody, read-only,
/// on the host's network, with the site's environment handed over by systemd from the root-only file;
/// <paramref name="engine"/> (podman or docker) runs it, with the same command line.
/// </summary>
public sealed class ContainerReleaseCommands(ReleaseCommands commands, HostEngine engine)
{
    /// <summary>Where a one-off container writes the collected static files (the release's static/ mounted there).</summary>
    public const string StaticMount = "/static";

    private ReleasePaths Paths => commands.Paths;

    /// <summary>
    /// One round trip: the release's directory with its own files, then its image pulled (nothing crosses when
    /// the host has it; from a registry that needs a login, through the auth file that names its credential
    /// helper), then <paramref name="then"/>.
    /// </summary>
    public RemoteCommand Pull(string id, string image, string manifest, string releaseEnvironment, HostRegistry registry, params RemoteCommand[] then) => Batch($"pull {image}",
    [
        commands.MakeReleaseDirectory(id),
        Command($"release files of {id}", $$"""
            set -eu
            umask 022
            cd {{Shell.Quote(Paths.Release(id) + "/.release")}}
            rm -f kept
            {{WriteInline("manifest", manifest)}}
            {{WriteInline("env", releaseEnvironment)}}
            {{WriteInline("image", "IMAGE=" + image + "\n")}}
            echo changed
            """),
        Streaming(Command($"pull {image}", $$"""
            set -eu
            image={{Shell.Quote(image)}}
            if {{engine.HasImage(image)}}; then echo ok; exit 0; fi
            if ! errors=$({{engine.Pull(Paths.SiteName, login: registry.CredentialHelper is not null)}} "$image" 2>&1 >/dev/null); then
              printf 'could not pull %s from the registry %s (%s): %s\n' "$image" {{Shell.Quote(registry.Address)}} {{Shell.Quote(PullHint(registry))}} "$errors" >&2
              exit 1
            fi
            echo changed
            """)),
        .. then,
    ]);

    private static string PullHint(HostRegistry registry) => registry.CredentialHelper is null
        ? "is it running, and reachable from this host?"
        : $"does the instance role allow the pull, and did ConfigureHost install docker-credential-{registry.CredentialHelper}?";

    /// <summary>
    /// <c>manage.py migrate --noinput</c> in a one-off container of the release's image; the same container then
    /// prints the migrations the database has applied (no stamp when it cannot), which root writes with <paramref name="key"/> (what the
    /// suite hashed), the image's id and the database's <paramref name="address"/> as the stamp of <paramref name="database"/> (see <see cref="MigrationStamp"/>).
    /// </summary>
    public RemoteCommand Migrate(string id, string image, string database, string key, string address) => Streaming(Command($"migrate ({id}, in a container)", $$"""
        set -eu
        stamp={{Shell.Quote(MigrateStampFile(database))}}
        rm -f "$stamp"
        built=$( { {{engine.BaseLayersHash(image)}}; } 2>/dev/null || true)
        {{OneOff(id, image, "", "sh -c " + Shell.Quote("python3 manage.py migrate --noinput && { python3 -c " + Shell.Quote(InstallCommands.AppliedMigrationsPython) + " || true; }"))}}
        now=$(printf '%s\n' "$out" | tail -n 1)
        case "$now" in
          *[!0-9a-f]*) ;;
          ????????????????????????????????) {{MigrationStamp.Printf(Shell.Quote(MigrationStamp.RequireKey(key)), "\"$built\"", Shell.Quote(address), "\"$now\"")}} > "$stamp.new"; mv -f "$stamp.new" "$stamp" ;;
        esac
        case "$out" in
          *'No migrations to apply.'*) echo ok ;;
          *) echo changed ;;
        esac
        """));

    /// <summary>Prints the migrate stamp of <paramref name="database"/> for the suite (see <see cref="MigrationStamp"/>); sent with the pull, in the same round trip.</summary>
    public RemoteCommand MigrateState(string database, string image) => Command("read the migrate stamp", $$"""
        set -eu
        stamp=$(cat {{Shell.Quote(MigrateStampFile(database))}} 2>/dev/null || true)
        built=$( { {{engine.BaseLayersHash(image)}}; } 2>/dev/null || true)
        printf '{{MigrationStamp.StateLine}}\t%s\t%s\n' "$built" "$stamp"
        echo ok
        """);

    /// <summary>Root's own (shared/ is root's): no process of the site writes it.</summary>
    private string MigrateStampFile(string database) => Paths.Shared + "/migrated-container-" + database;

    /// <summary>
    /// <c>manage.py collectstatic --noinput</c> in a one-off container of the release's image, into the
    /// release's static/ folder (nobody's for that run, root's after: nginx serves it, the site cannot change it).
    /// When <paramref name="previousId"/>'s collected files were made under the same <paramref name="key"/>
    /// (nothing collectstatic reads changed), they are hard-linked instead.
    /// </summary>
    public RemoteCommand CollectStatic(string id, string image, string? previousId, string key) => Streaming(Command($"collect static files ({id}, in a container)", $$"""
        set -eu
        static={{Shell.Quote(Paths.Release(id) + "/static")}}
        key={{Shell.Quote(key)}}
        previous={{(previousId is null ? "''" : Shell.Quote(Paths.Release(previousId)))}}
        rm -rf "$static"
        if [ -n "$previous" ] && [ -d "$previous/static" ] && [ "$(cat "$previous/.release/static-key" 2>/dev/null || true)" = "$key" ]; then
          cp -al "$previous/static" "$static"
          printf '%s\n' "$key" > "$static/../.release/static-key"
          echo "nothing collectstatic reads changed since {{previousId}}: its collected files linked"
          echo changed
          exit 0
        fi
        install -d -o {{SiteTemplates.ContainerUser.Split(':')[0]}} -g {{SiteTemplates.ContainerUser.Split(':')[1]}} -m 0755 "$static"
        {{OneOff(id, image, $"-v \"$static:{StaticMount}\" -e STATIC_ROOT={StaticMount}", "python3 manage.py collectstatic --noinput")}}
        chown -R -P root:root "$static"
        chmod -R go-w,ug-s "$static"
        printf '%s\n' "$key" > "$static/../.release/static-key"
        echo changed
        """));

    /// <summary>
    /// sh running <paramref name="command"/> in a one-off container, through systemd-run so that systemd
    /// (not a shell) reads the environment file and hands each variable over by name; its output goes to
    /// standard error as it comes and is kept in $out (InstallCommands' streamed).
    /// </summary>
    private string OneOff(string id, string image, string extra, string command) =>
        $"{InstallCommands.StreamedFunction}\nstreamed systemd-run --quiet --wait --pipe --collect --service-type=exec -p EnvironmentFile={Shell.Quote(Paths.EnvironmentFile)} -p EnvironmentFile={Shell.Quote(Paths.Release(id) + "/.release/env")} "
        + $"{engine.Name} run --rm {HostEngine.RunOptions(SiteTemplates.ContainerEnvironmentNames())} {extra} {Shell.Quote(image)} {command}";
}
