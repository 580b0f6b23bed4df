using CoralNet.Deploy.Remote;
using static CoralNet.Deploy.Release.HostScript;

namespace CoralNet.Deploy.Release;

/// <summary>
/// Every command the release deploy sends to a web host, built in this one place as plain
/// <see cref="RemoteCommand"/>s so that dry-run and tests show exactly what would run. Each is
/// idempotent and ends with ok or changed. This class makes the release itself (upload, listing,
/// removal); the other kinds are its parts.
/// </summary>
/// <param name="certificateChain">The site's certificate chain on a host, whose presence the listing reports (it switches nginx to https); none over http only.</param>
/// <param name="certificateState">sh reading the certificate the host holds (<see cref="Tls.CertificateCommands.State"/>), whose result the listing reports; none: not read.</param>
/// <param name="engine">The engine running the site's containers (Site.Runtime container); podman when none is named.</param>
public sealed class ReleaseCommands(ReleasePaths paths, string? certificateChain = null, string? certificateState = null, Container.HostEngine? engine = null)
{
    public ReleasePaths Paths => paths;

    /// <summary>The engine running the site's containers on the hosts (Site.Runtime container).</summary>
    public Container.HostEngine Engine { get; } = engine ?? Container.HostEngine.Podman;

    /// <summary>The commands of a release of Site.Runtime container (image pull, one-off containers).</summary>
    public ContainerReleaseCommands Containers => new(this, Engine);

    public InstallCommands Install { get; } = new(paths);

    public HostFileCommands Files { get; } = new(paths, certificateChain);

    public CutoverCommands Cutover { get; } = new(paths);

    public DeployLockCommands Locks { get; } = new(paths);

    /// <summary>The upload, one round trip: make the directory, link what did not change from <paramref name="previousId"/>, extract the archive of the rest, verify.</summary>
    public RemoteCommand Upload(string id, string? previousId, ManifestDiff diff, string manifestHash, Action<Stream> writeArchive) => Batch($"upload {id}",
    [
        CheckFreeSpace(id, SpaceNeeded(diff)),
        MakeReleaseDirectory(id),
        .. previousId is null ? Array.Empty<RemoteCommand>() : [LinkUnchanged(id, previousId, diff.NotToLink)],
        Extract(id, writeArchive),
        Verify(id, manifestHash),
    ]);

    /// <summary>The exit code of an upload refused for want of space.</summary>
    public const int NoSpace = 76;

    /// <summary>Room a release needs besides its new and changed files: its directories, its own files (.release/), its collected static files' links.</summary>
    public const long ReleaseOverheadBytes = 16 * 1024 * 1024;

    /// <summary>What a release takes on the host's disk: each new or changed file in whole 4 KiB blocks (the unchanged ones are hard links), and <see cref="ReleaseOverheadBytes"/>.</summary>
    public static long SpaceNeeded(ManifestDiff diff) =>
        diff.ToSend.Sum(e => (e.Size + 4095) / 4096 * 4096) + ReleaseOverheadBytes;

    /// <summary>Refuses (exit <see cref="NoSpace"/>, with both numbers) when the filesystem of the releases has less than <paramref name="neededBytes"/> free: before anything of the release is written.</summary>
    public RemoteCommand CheckFreeSpace(string id, long neededBytes) => Command($"check free space for {id}", $$"""
        set -eu
        dir={{Shell.Quote(paths.Root)}}
        while [ ! -d "$dir" ]; do dir=$(dirname "$dir"); done
        free=$(( $(df -Pk "$dir" | awk 'NR == 2 { print $4 }') * 1024 ))
        needed={{neededBytes}}
        if [ "$free" -lt "$needed" ]; then
          echo "release {{id}} does not fit in $dir: it needs $(( needed / 1048576 )) MiB ($needed bytes), $(( free / 1048576 )) MiB ($free bytes) are free; make room there (the CleanupReleases target, a lower Site.KeepReleases) or a larger disk, then deploy again" >&2
          exit {{NoSpace}}
        fi
        echo ok
        """);

    /// <summary>Makes the site's directories and an empty release directory; a half-made one left by a failed upload is replaced.</summary>
    public RemoteCommand MakeReleaseDirectory(string id) => Command($"make release {id}", $$"""
        set -eu
        umask 022
        mkdir -p {{Shell.Quote(paths.Releases)}} {{Shell.Quote(paths.Venvs)}} {{Shell.Quote(paths.Slots)}}
        install -d -o {{Shell.Quote(paths.SiteUser)}} -g {{Shell.Quote(paths.SiteGroup)}} -m 0700 {{Shell.Quote(paths.State)}}
        new={{Shell.Quote(paths.Release(id))}}
        if [ -e "$new" ]; then
          if [ "$(readlink -f {{Shell.Quote(paths.Current)}})" = "$(readlink -f "$new")" ]; then
            echo "release {{id}} is serving; it cannot be made again" >&2
            exit 1
          fi
          rm -rf "$new"
        fi
        mkdir -p "$new/.release"
        : > "$new/.release/kept"
        echo changed
        """);

    /// <summary>
    /// Hard-links into the new release every file of the previous release's manifest except those
    /// changed or removed, in one batch (no file list crosses the wire beyond <paramref name="notToLink"/>),
    /// and keeps their manifest lines for <see cref="Verify"/>.
    /// </summary>
    public RemoteCommand LinkUnchanged(string id, string previousId, IReadOnlyList<string> notToLink) => Command($"link unchanged files of {previousId} into {id}", $$"""
        set -eu
        new={{Shell.Quote(paths.Release(id))}}
        previous={{Shell.Quote(paths.Release(previousId))}}
        {{(notToLink.Count == 0 ? ":" : "printf '%s\\n' " + string.Join(' ', notToLink.Select(Shell.Quote)))}} > "$new/.release/drop"
        awk -F '\t' 'FILENAME == ARGV[1] { drop[$0] = 1; next } !($1 in drop)' "$new/.release/drop" "$previous/.release/manifest" > "$new/.release/kept"
        cut -f 1 "$new/.release/kept" | tr '\n' '\0' | (cd "$previous" && xargs -0r cp -l --parents -t "$new" --)
        rm -f "$new/.release/drop"
        echo changed
        """);

    /// <summary>Extracts the archive of <see cref="ReleaseTar"/> from standard input into the release.</summary>
    public RemoteCommand Extract(string id, Action<Stream> writeArchive) => Command($"extract new and changed files into {id}", $"""
        set -eu
        umask 022
        tar -xzf - -C {Shell.Quote(paths.Release(id))} --no-same-owner
        echo changed
        """) with { Input = new CommandInput.Stream(writeArchive) };

    /// <summary>
    /// Rebuilds the manifest on the host from the linked files' lines and the sent files' lines, checks
    /// it is the suite's manifest (<paramref name="manifestHash"/>), then checks every file with sha256sum -c.
    /// </summary>
    public RemoteCommand Verify(string id, string manifestHash) => Command($"verify release {id}", $$"""
        set -eu
        cd {{Shell.Quote(paths.Release(id))}}
        cat .release/kept .release/delta | LC_ALL=C sort > .release/manifest
        rm -f .release/kept .release/delta
        if ! echo '{{manifestHash}}  .release/manifest' | sha256sum -c --status -; then
          echo "the manifest rebuilt on the host is not the release's: the previous release's files differ from its manifest; deploy again without it" >&2
          exit 1
        fi
        awk -F '\t' '{ print $4 "  " $1 }' .release/manifest | sha256sum -c --quiet --strict -
        echo ok
        """);

    /// <summary>
    /// Lists the complete releases and the incomplete ones, <c>current</c> (unless it names no release) and
    /// the hash of its manifest, the slots, the serving slot and whether its instance runs, the slot nginx proxies to, the instances enabled at boot, how the slots' unit runs them, the state of the files the deploy installs,
    /// and the certificate (when asked: read under the deploy lock, it spares the certificate step a round trip), in the format <see cref="ReleaseListing.Parse"/> reads.
    /// </summary>
    public RemoteCommand ListReleases() => Command("list releases", $$"""
        set -eu
        if ! cd {{Shell.Quote(paths.Site)}} 2>/dev/null; then echo ok; exit 0; fi
        # Few processes: each costs milliseconds, and this runs under the lock at every deploy.
        if [ -L current ] && [ -d current/ ]; then
          target=$(readlink current)
          printf 'current\t%s\n' "${target##*/}"
          if [ -f current/.release/manifest ]; then set -- $(sha256sum < current/.release/manifest); printf 'content\t%s\n' "$1"; fi
        fi
        if [ -f slots/serving ]; then
          read -r serving < slots/serving || true
          printf 'serving\t%s\n' "$serving"
          if systemctl is-active --quiet {{Shell.Quote(paths.GunicornUnitPrefix)}}"$serving.service" 2>/dev/null; then echo running; fi
        fi
        for slot in slots/*; do
          if [ -L "$slot" ]; then target=$(readlink "$slot"); printf 'slot\t%s\t%s\n' "${slot#slots/}" "${target##*/}"; fi
        done
        # What nginx proxies to and which instances start at boot: a run killed mid-cutover may have left the serving mark behind them.
        if [ -f {{Shell.Quote(paths.NginxAvailable)}} ]; then
          while IFS= read -r line; do
            case $line in *'proxy_pass http://127.0.0.1:'*) port=${line##*:}; printf 'proxied\t%s\n' "${port%;}"; break ;; esac
          done < {{Shell.Quote(paths.NginxAvailable)}}
        fi
        for unit in {{Shell.Quote(paths.BootUnits + "/" + paths.GunicornUnitPrefix)}}*.service; do
          if [ -L "$unit" ]; then unit=${unit##*@}; printf 'boot\t%s\n' "${unit%.service}"; fi
        done
        {{SlotInstances.ListingScript(paths.GunicornUnitFile("service"))}}
        for dir in releases/*/; do
          if [ -d "$dir" ]; then
            name=${dir#releases/}
            if [ -e "$dir.release/complete" ]; then printf 'release\t%s\n' "${name%/}"; else printf 'incomplete\t%s\n' "${name%/}"; fi
          fi
        done
        set --
        for file in {{string.Join(' ', Files.InstalledFiles.Select(Shell.Quote))}}; do
          if [ -f "$file" ]; then set -- "$@" "$file"; fi
        done
        if [ $# -gt 0 ]; then
          # One sha256sum and one stat for all the files (each prints them in the order given), joined by awk.
          { sha256sum -- "$@" | cut -c 1-64; stat -c %a:%U:%G -- "$@"; } | awk '
            BEGIN { n = ARGC - 1; for (i = 1; i <= n; i++) { name[i] = ARGV[i]; delete ARGV[i] } }
            NR <= n { hash[NR] = $0; next }
            { printf "file\t%s\t%s:%s\n", name[NR - n], hash[NR - n], $0 }' "$@"
        fi
        {{CertificateState()}}
        echo ok
        """);

    private string CertificateState() => certificateState is null ? "" : $$"""
        (
        {{certificateState}}
        if [ -f "$chain" ]; then describe; fi
        if [ -n "$reason" ]; then printf 'certificate-due\t%s\n' "$reason"; fi
        )
        """;

    /// <summary>Prints a release's manifest (for a suite that does not have it cached).</summary>
    public RemoteCommand ReadManifest(string id) => Command($"read manifest of {id}", $"""
        set -eu
        cat {Shell.Quote(paths.Release(id) + "/.release/manifest")}
        echo ok
        """);

    /// <summary>
    /// Marks the release complete: written last, after everything that installs it, so that only a
    /// release that could serve is listed, kept, or rolled back to.
    /// </summary>
    public RemoteCommand MarkComplete(string id) => Command($"mark release {id} complete", $$"""
        set -eu
        marker={{Shell.Quote(paths.Release(id) + "/.release/complete")}}
        if [ -e "$marker" ]; then echo ok; else : > "$marker"; echo changed; fi
        """);

    /// <summary>
    /// Deletes the given releases (old ones chosen by <see cref="ReleaseRetention"/>, incomplete ones, a failed
    /// one), then every venv no release left links to (a deploy under the lock is the only one making venvs),
    /// and every image of the site (Site.Runtime container) no release left names, in each engine the host has.
    /// </summary>
    public RemoteCommand RemoveReleases(IReadOnlyList<string> ids) => Command($"remove releases {string.Join(", ", ids)}", ids.Count == 0
        ? "echo ok"
        : $$"""
          set -eu
          cd {{Shell.Quote(paths.Releases)}} 2>/dev/null || { echo ok; exit 0; }
          status=ok
          for id in {{string.Join(' ', ids.Select(ReleaseId.Require))}}; do
            if [ -e "$id" ]; then rm -rf -- "$id"; status=changed; fi
          done
          used=$(for link in */venv; do if [ -L "$link" ]; then readlink "$link"; fi; done)
          for venv in {{Shell.Quote(paths.Venvs)}}/*; do
            if [ -d "$venv" ] && ! printf '%s\n' "$used" | grep -qxF "$venv"; then rm -rf "$venv"; status=changed; fi
          done
          named=$(sed -n 's/^IMAGE=//p' */.release/image 2>/dev/null || true)
          # The site's images: named after the site (the sandbox's registry) or in a repository a release names (ECR's).
          repositories=$(printf '%s\n' "$named" | sed -n 's/:[^:/]*$/:/p' | sort -u)
          for engine in {{string.Join(' ', Container.HostEngine.All.Select(engine => engine.Name))}}; do
            if ! command -v "$engine" > /dev/null; then continue; fi
            for image in $("$engine" images --format {{Shell.Quote("{{.Repository}}:{{.Tag}}")}} 2>/dev/null | grep -F -e {{Shell.Quote("/" + paths.SiteName + ":")}} ${repositories:+-e "$repositories"} || true); do
              if ! printf '%s\n' "$named" | grep -qxF "$image" && "$engine" rmi "$image" > /dev/null 2>&1; then status=changed; fi
            done
          done
          echo "$status"
          """);
}
