namespace CoralNet.Deploy.Tests.Support;

/// <summary>A throwaway repository root with a site folder and the environment files a test writes.</summary>
public sealed class TemporaryRepository : IDisposable
{
    public TemporaryRepository()
    {
        Root = Directory.CreateTempSubdirectory("coralnet-deploy-test-").FullName;
        Directory.CreateDirectory(Path.Combine(Root, "environments"));
        Directory.CreateDirectory(Path.Combine(Root, "samples", "site"));
    }

    public string Root { get; }

    public TemporaryRepository WithEnvironment(string name, string json)
    {
        File.WriteAllText(Path.Combine(Root, "environments", name + ".json"), json);
        return this;
    }

    public TemporaryRepository WithCakeConfig(string ini)
    {
        File.WriteAllText(Path.Combine(Root, "cake.config"), ini);
        return this;
    }

    /// <summary>The repository's own sandbox environment, as shipped.</summary>
    public TemporaryRepository WithShippedSandbox()
    {
        File.Copy(Path.Combine(SuiteRun.RepositoryRoot, "environments", "sandbox.json"), Path.Combine(Root, "environments", "sandbox.json"));
        return this;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
