using System.Text.Json.Nodes;

namespace CoralNet.Deploy.Output;

/// <summary>
/// What a target gives as data (the settings, a policy, a plan, the releases, the deployed site):
/// published by its task to <see cref="RunOutput"/>, which prints it at the end of the run, at every
/// verbosity, as text for people or, with <c>--format=json</c>, as the one JSON document on stdout.
/// </summary>
public interface IRunResult
{
    /// <summary>The result for people, line by line.</summary>
    IEnumerable<string> Lines();

    /// <summary>The result for scripts.</summary>
    JsonNode ToJson();
}
