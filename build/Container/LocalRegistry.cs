using System.Net;
using CoralNet.Deploy.Sandbox;
using CoralNet.Deploy.Settings;
using CoralNet.Deploy.Templates;

namespace CoralNet.Deploy.Container;

/// <summary>
/// The image registry on this machine (Debian's docker-registry, registry 2.8), run when
/// Container.Registry is a loopback address or the sandbox bridge's (where the sandbox's hosts pull from); its data stays in the checkout's state folder, so a
/// restarted registry serves what was pushed before. Stopped when the run that started it ends.
/// </summary>
/// <param name="sandboxBridge">The sandbox bridge's address, on this machine, when the environment is the sandbox.</param>
public sealed class LocalRegistry(ContainerLayout layout, ContainerSettings settings, LocalRunner runner, IPAddress? sandboxBridge = null)
{
    private LocalService? _service;

    /// <summary>Whether the suite runs the registry itself: only on a loopback address or the sandbox bridge's (anything else is someone's registry).</summary>
    public bool IsLocal => IPAddress.TryParse(Host, out var address) && (IPAddress.IsLoopback(address) || address.Equals(sandboxBridge));

    private string Host => ContainerSettingsRules.RegistryHost(settings.Registry);

    private int Port => ContainerSettingsRules.RegistryPort(settings.Registry)!.Value;

    private LocalService Service => _service ??= new(
        $"The registry on {settings.Registry}", ContainerCommands.Registry(layout), layout.RegistryPidFile, layout.RegistryConfigurationFile, layout.RegistryLog,
        () => MachineState.Listening(IPAddress.Parse(Host), Port), runner);

    public void Start()
    {
        if (!IsLocal)
        {
            return;
        }

        RootOnlyFolder.Ensure(layout.Directory, runner);
        // A copy a live run started and that answers at Container.Registry is used; any other is stopped first.
        if (Service.Adopt())
        {
            return;
        }

        if (Prerequisites.Find("docker-registry") is null)
        {
            throw new ContainerException("docker-registry is not installed: install Debian's docker-registry (apt-get install docker-registry), or point Container.Registry at a registry that runs.");
        }

        var address = IPAddress.Parse(Host);
        if (MachineState.Listening(address, Port))
        {
            throw new ContainerException($"Port {Port} on {Host}, where Container.Registry says the registry listens, is taken by another program; stop it or choose another port (--container_registry={Host}:PORT).");
        }

        Directory.CreateDirectory(layout.RegistryData);
        File.WriteAllText(layout.RegistryConfigurationFile, ContainerTemplates.RegistryConfiguration(layout, settings));
        // What earlier runs untagged (see Forget) goes now, before the registry serves (a registry that holds nothing yet has nothing to collect).
        if (Directory.Exists(layout.RegistryRepositories))
        {
            runner.Run(ContainerCommands.RegistryGarbageCollect(layout));
        }
        Service.Start();
    }

    /// <summary>Forgets those of <paramref name="images"/> this registry holds (named REGISTRY/PATH:TAG), as <see cref="Forget(string, IEnumerable{string})"/> does.</summary>
    public string? Forget(IEnumerable<ImageName> images)
    {
        var prefix = settings.Registry + "/";
        return images.Where(image => image.Repository.StartsWith(prefix, StringComparison.Ordinal))
            .GroupBy(image => image.Repository[prefix.Length..], image => image.Tag)
            .Select(repository => Forget(repository.Key, repository))
            .FirstOrDefault(failure => failure is not null);
    }

    /// <summary>
    /// Deletes the manifests of <paramref name="tags"/> of <paramref name="repository"/> from the suite's own registry
    /// (nothing elsewhere); their layers go when it next starts (garbage-collect runs before it serves). A manifest that a
    /// tag not forgotten also names stays: deleting by digest removes every tag of it (a rebuild of unchanged files is the
    /// same image under a new release id). Housekeeping never fails a push: what could not be done is returned, to be said.
    /// </summary>
    public string? Forget(string repository, IEnumerable<string> tags)
    {
        if (!IsLocal)
        {
            return null;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        try
        {
            var forgotten = tags.ToHashSet(StringComparer.Ordinal);
            var kept = Tags(http, repository).Where(tag => !forgotten.Contains(tag)).Select(tag => Digest(http, repository, tag)).ToHashSet(StringComparer.Ordinal);
            foreach (var digest in forgotten.Select(tag => Digest(http, repository, tag)).OfType<string>().Distinct().Where(d => !kept.Contains(d)))
            {
                using var deleted = http.Send(new HttpRequestMessage(HttpMethod.Delete, $"http://{settings.Registry}/v2/{repository}/manifests/{digest}"));
                if (deleted.StatusCode != HttpStatusCode.NotFound)
                {
                    deleted.EnsureSuccessStatusCode();
                }
            }

            return null;
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException or InvalidOperationException or System.Text.Json.JsonException)
        {
            return $"old images were not removed from the registry at {settings.Registry} ({failure.Message}); the next push tries again";
        }
    }

    /// <summary>The repository's tags (none when it does not exist yet).</summary>
    private IEnumerable<string> Tags(HttpClient http, string repository)
    {
        using var answer = http.Send(new HttpRequestMessage(HttpMethod.Get, $"http://{settings.Registry}/v2/{repository}/tags/list"));
        if (answer.StatusCode == HttpStatusCode.NotFound)
        {
            return [];
        }

        answer.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(answer.Content.ReadAsStream());
        return json.RootElement.TryGetProperty("tags", out var list) && list.ValueKind == System.Text.Json.JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(tag => tag.GetString()!)]
            : [];
    }

    /// <summary>The digest of the manifest <paramref name="tag"/> names; null when there is none.</summary>
    private string? Digest(HttpClient http, string repository, string tag)
    {
        using var head = new HttpRequestMessage(HttpMethod.Head, $"http://{settings.Registry}/v2/{repository}/manifests/{tag}");
        head.Headers.Accept.ParseAdd("application/vnd.docker.distribution.manifest.v2+json");
        head.Headers.Accept.ParseAdd("application/vnd.oci.image.manifest.v1+json");
        using var found = http.Send(head);
        if (found.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        found.EnsureSuccessStatusCode();
        return found.Headers.GetValues("Docker-Content-Digest").Single();
    }

    /// <summary>Fails with what to do unless the registry answers its API's base address (any HTTP answer will do: it may ask for a login).</summary>
    public void RequireAnswering()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        try
        {
            using var answer = http.GetAsync($"http://{settings.Registry}/v2/").GetAwaiter().GetResult();
        }
        catch (Exception failure) when (failure is HttpRequestException or TaskCanceledException)
        {
            throw new ContainerException($"The registry Container.Registry names, {settings.Registry}, does not answer ({failure.Message}): start it, or correct Container.Registry (--container_registry=HOST:PORT); nothing was pushed.");
        }
    }

    /// <summary>Stops the registry this run started; one that was running before stays.</summary>
    public void StopIfStarted() => _service?.StopIfStarted();
}
