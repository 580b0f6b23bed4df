using CoralNet.Deploy.Container;
using CoralNet.Deploy.Remote;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Release;

/// <summary>
/// How a host runs the site's two instances, as the slots' unit installed there says: <see cref="Host"/>
/// (gunicorn from a venv, behind sockets systemd holds) or the name of the container engine. A host does
/// not change it in place: the new runtime's standby would collide with the old one's sockets on the
/// ports, and the unit, rewritten for the new runtime, could no longer stop the old instance (a container
/// runs outside its unit's cgroup). So a run whose settings say otherwise is refused before it changes anything.
/// </summary>
public static class SlotInstances
{
    public const string Host = "host";

    /// <summary>What this run's settings install: <see cref="Host"/>, or the hosts' container engine.</summary>
    public static string Wanted(SiteSettings site, HostEngine engine) => site.Runtime == SiteRuntime.Container ? engine.Name : Host;

    /// <summary>sh printing <c>instances KIND</c> from the slots' unit file (shell builtins only: the listing runs at every deploy).</summary>
    public static string ListingScript(string unitFile) => $$"""
        if [ -f {{Shell.Quote(unitFile)}} ]; then
          instances={{Host}}
          while IFS= read -r line; do
            case $line in ExecStart=/usr/bin/*' run '*) instances=${line#ExecStart=/usr/bin/}; instances=${instances%% *} ;; esac
          done < {{Shell.Quote(unitFile)}}
          printf 'instances\t%s\n' "$instances"
        fi
        """;

    /// <summary>Why the run may not go on with <paramref name="host"/>, whose listing is <paramref name="listing"/>; null when its instances are what the run installs, or it has none.</summary>
    public static string? Refusal(string host, ReleaseListing listing, string wanted) =>
        listing.Instances is not { } installed || installed == wanted
            ? null
            : $"{host} runs the site with {Describe(installed)}, and this run's settings say {Describe(wanted)}: a host does not change that in place "
              + $"(the new standby would collide with the old instances on their ports, and the old ones could no longer be stopped). "
              + $"Deploy with {Setting(installed)} to keep it, or move to {Describe(wanted)} on fresh web hosts "
              + "(in the sandbox: ./build.sh --target=SandboxDown, then the deploy). Nothing was changed.";

    private static string Describe(string kind) => kind == Host ? "the host runtime (gunicorn from a venv)" : $"containers run by {kind}";

    private static string Setting(string kind) => kind == Host ? "Site.Runtime=host (--site_runtime=host)" : $"Site.Runtime=container and Container.HostEngine={kind} (--site_runtime=container --container_hostengine={kind})";
}
