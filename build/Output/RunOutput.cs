using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Cake.Core;
using Cake.Core.Diagnostics;
using Cake.Frosting;
using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Output;

/// <summary>Where the JSON document goes: the process's standard output, or a test's writer.</summary>
public sealed record DataOutput(TextWriter Writer);

/// <summary>
/// The end of a run's output, in one place. The target's result (<see cref="IRunResult"/>) is printed
/// once the run is over, at every verbosity: as text on the console, or as JSON alone on the data
/// output; a result of a task the target only depends on is detail (verbose). The recap of the hosts
/// comes last. Secrets are masked in both forms.
/// </summary>
/// <remarks>
/// It writes when the run's services are disposed: after Cake's task summary, after the run's
/// sessions released what they hold (the container disposes in reverse order of creation, and this
/// is made before any task, by the lifetime).
/// </remarks>
public sealed class RunOutput(HostOptions options, IConsole console, ICakeLog log, SecretRedactor redactor, RunRecorder recorder, DataOutput data) : IDisposable
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private IRunResult? _result;

    private bool Json => options.Format == OutputFormat.Json;

    /// <summary>Publishes <paramref name="result"/> as the result of <paramref name="task"/>: the run's result when the task is the target, else detail, printed at verbose now.</summary>
    public void Publish(string task, IRunResult result)
    {
        if (task.Equals(options.Target, StringComparison.OrdinalIgnoreCase))
        {
            _result = result;
            return;
        }

        foreach (var line in result.Lines())
        {
            log.Verbose(line);
        }
    }

    public void Dispose()
    {
        if (_result is not null && Json)
        {
            data.Writer.WriteLine(Redacted(_result.ToJson())!.ToJsonString(Indented));
            data.Writer.Flush();
        }
        else if (_result is not null)
        {
            foreach (var line in _result.Lines())
            {
                console.WriteLine(line);
            }
        }

        if (recorder.Items.Count > 0)
        {
            foreach (var line in recorder.Recap())
            {
                console.WriteLine(line);
            }
        }

        _result = null;
    }

    /// <summary>Masks secrets in every string of the document before it is written: JSON escaping
    /// would otherwise spell a secret holding a quote or a backslash differently from the value masked.</summary>
    private JsonNode? Redacted(JsonNode? node) => node switch
    {
        JsonObject obj => new JsonObject(obj.Select(p => KeyValuePair.Create(redactor.Redact(p.Key), Redacted(p.Value)))),
        JsonArray array => new JsonArray(array.Select(Redacted).ToArray()),
        JsonValue value when value.GetValueKind() == JsonValueKind.String => JsonValue.Create(redactor.Redact(value.GetValue<string>())),
        _ => node?.DeepClone(),
    };
}
