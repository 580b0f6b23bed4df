namespace CoralNet.Deploy.Settings;

/// <summary>
/// The accounts the settings name on a web host: the suite's login (Ssh.User), the people's logins
/// (each gets sudo without a password) and the site's system user (named after Site.Name). None may be
/// an account the system or a service already uses, and none may be another.
/// </summary>
public static class AccountRules
{
    /// <summary>Accounts and groups of Debian, Ubuntu and the services a web host runs, and the suite's own group for people.</summary>
    private static readonly HashSet<string> SystemAccounts =
    [
        "root", "daemon", "bin", "sys", "sync", "games", "man", "lp", "mail", "news", "uucp", "proxy", "www-data", "backup",
        "list", "irc", "gnats", "nobody", "nogroup", "messagebus", "sshd", "postgres", "syslog", "uuidd", "tcpdump", "polkitd",
        "ntp", "dnsmasq", "landscape", "pollinate", "lxd", "adm", "sudo", "staff", "users", "shadow", "utmp", "tty", "disk",
        "kmem", "dialout", "cdrom", "floppy", "audio", "video", "plugdev", "netdev", "input", "render", "kvm", "crontab", "ssh",
        "admin", "ubuntu", "debian", "ec2-user", HostState.ConfigureHostPlan.PeopleGroup,
    ];

    public static IEnumerable<string> Validate(DeploySettings settings)
    {
        if (!SettingsPatterns.UserName().IsMatch(settings.Ssh.User))
        {
            yield return $"Ssh.User: '{settings.Ssh.User}' is not a login name.";
        }

        foreach (var problem in ValidatePeople(settings.People, settings.Ssh.User, settings.Site.Name))
        {
            yield return problem;
        }
    }

    /// <summary>Whether a name is taken on a web host by the system or a service (systemd-*, _apt... included).</summary>
    public static bool IsSystemAccount(string name) =>
        SystemAccounts.Contains(name) || name.StartsWith("systemd-", StringComparison.Ordinal) || name.StartsWith('_');

    private static IEnumerable<string> ValidatePeople(List<PersonSettings> people, string sshUser, string siteUser)
    {
        for (var i = 0; i < people.Count; i++)
        {
            var person = people[i];
            var path = $"People[{i}]";
            if (!SettingsPatterns.UserName().IsMatch(person.Login))
            {
                yield return $"{path}.Login: '{person.Login}' is not a login name (lower-case letters, digits, '-', '_').";
            }
            else if (IsSystemAccount(person.Login))
            {
                yield return $"{path}.Login: '{person.Login}' is a system account or group; a person gets sudo without a password, so that account (nginx's www-data, sshd...) would become root. Give the person a login of their own.";
            }
            else if (person.Login == sshUser)
            {
                yield return $"{path}.Login: '{person.Login}' is also Ssh.User, the login the suite works through: taking that person out later would lock the suite out. Keep the suite's login (root, or the image's admin login on AWS) out of People.";
            }
            else if (person.Login == siteUser)
            {
                yield return $"{path}.Login: '{person.Login}' is the site's own system user (Site.Name); give the person another login or the site another name.";
            }

            if (person.Keys.Count == 0)
            {
                yield return $"{path}.Keys: {person.Login} has no public key: SSH login is by key only, so add one.";
            }

            for (var k = 0; k < person.Keys.Count; k++)
            {
                if (!PublicKeyFormat.TryCheck(person.Keys[k], out var error))
                {
                    yield return $"{path}.Keys[{k}]: {error}";
                }
            }
        }

        foreach (var duplicate in people.GroupBy(p => p.Login).Where(g => g.Count() > 1))
        {
            yield return $"People: '{duplicate.Key}' is listed {duplicate.Count()} times.";
        }
    }
}
