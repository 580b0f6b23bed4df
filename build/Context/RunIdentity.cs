namespace CoralNet.Deploy.Context;

/// <summary>Who runs the suite, for the audit log and the deploy lock: the CI job when CI's variables say so, else the local user and machine.</summary>
public static class RunIdentity
{
    public static string Who(Func<string, string?> variable)
    {
        if (variable("GITHUB_ACTIONS") == "true")
        {
            return $"github-actions:{variable("GITHUB_REPOSITORY")} run {variable("GITHUB_RUN_ID")} by {variable("GITHUB_ACTOR")}";
        }

        if (variable("GITLAB_CI") == "true")
        {
            return $"gitlab-ci:{variable("CI_PROJECT_PATH")} job {variable("CI_JOB_ID")} by {variable("GITLAB_USER_LOGIN")}";
        }

        return $"{Environment.UserName}@{Environment.MachineName}";
    }
}
