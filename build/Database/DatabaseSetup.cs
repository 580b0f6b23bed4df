using CoralNet.Deploy.HostState;
using CoralNet.Deploy.Settings;

namespace CoralNet.Deploy.Database;

/// <summary>One item of the setup and what the run did to it.</summary>
public sealed record DatabaseItem(string Item, ItemStatus Status, string Detail)
{
    public override string ToString() => $"{(Status == ItemStatus.Changed ? "changed" : "ok")}: {Item}{(Detail.Length > 0 ? " (" + Detail + ")" : "")}";
}

/// <summary>What the setup did, and the MD5 of the migrations Django has applied to the database (null when the setup did not read it, or none are).</summary>
public sealed record DatabaseSetupResult(IReadOnlyList<DatabaseItem> Items, string? AppliedMigrations);

/// <summary>The site's role and database, with the credentials the setup uses.</summary>
public sealed record DatabaseSetupRequest(string Database, string User, Secret Password, string MasterUser, Secret MasterPassword)
{
    public static DatabaseSetupRequest From(DatabaseSettings settings, SecretStore secrets) =>
        new(settings.Name, settings.User, secrets.Get(settings.Password), settings.MasterUser, secrets.Get(settings.MasterPassword));
}

/// <summary>
/// The setup's PostgreSQL section, as the master user: the site's role (LOGIN, its password) and
/// database, the role owning the database and its public schema. Reads first, changes only what differs;
/// when the site's role already logs in and owns both, that one login is the whole run (no master session).
/// <para>
/// The password cannot be compared by reading it back (a master user that is not a superuser, as on
/// RDS, cannot read pg_authid, and a SCRAM verifier is salted anyway), so the setup logs in as the
/// role with it: when the server accepts it, it is left alone (ok); when it refuses it, it is set
/// (changed) and the login is tried again. That login is also the proof that the site will get in.
/// </para>
/// <para>
/// The usual run's login also reads which migrations Django has applied (as the site does, as its role),
/// for Migrate to decide without a round trip; a run that changed anything leaves it unknown.
/// </para>
/// </summary>
public static class DatabaseSetup
{
    public static async Task<DatabaseSetupResult> RunAsync(DatabaseConnector connector, DatabaseSetupRequest request, CancellationToken cancellation = default)
    {
        if (await AlreadySetUpAsync(connector, request, cancellation) is { } settled)
        {
            return settled;
        }

        var items = new List<DatabaseItem>();
        var (database, user) = (request.Database, request.User);
        // One master login when the database exists (the usual run): roles and databases are
        // cluster-wide, so they are read and changed from inside it; only a first run starts in the
        // maintenance database and moves into the new database once created.
        var master = await connector.OpenIfExistsAsync(request.MasterUser, request.MasterPassword, database, cancellation)
            ?? await connector.OpenAsync(request.MasterUser, request.MasterPassword, DatabaseSql.MaintenanceDatabase, cancellation);
        bool created;
        try
        {
            var state = await master.RowAsync(DatabaseSql.State(user, database), cancellation);
            var (canLogin, isMember, databaseOwner, schemaOwner) = (state[0], state[1], state[2], state[3] as string);
            created = canLogin is null;
            if (created)
            {
                await master.ExecuteAsync(DatabaseSql.CreateRole(user, ScramVerifier.Compute(request.Password.Reveal())), cancellation);
                items.Add(new($"role {user}", ItemStatus.Changed, "created, LOGIN"));
                items.Add(new($"password of role {user}", ItemStatus.Changed, "set at creation"));
            }
            else if (canLogin is false)
            {
                await master.ExecuteAsync(DatabaseSql.AllowLogin(user), cancellation);
                items.Add(new($"role {user}", ItemStatus.Changed, "LOGIN granted"));
            }
            else
            {
                items.Add(new($"role {user}", ItemStatus.Ok, ""));
            }

            // A role just created: whether its creator is a member depends on the server (a superuser always is).
            if ((created ? await master.ScalarAsync(DatabaseSql.IsMemberOf(user), cancellation) : isMember) is true)
            {
                items.Add(new($"{request.MasterUser} member of {user}", ItemStatus.Ok, ""));
            }
            else
            {
                await master.ExecuteAsync(DatabaseSql.GrantMembership(user, request.MasterUser), cancellation);
                items.Add(new($"{request.MasterUser} member of {user}", ItemStatus.Changed, "granted, to hand it ownership"));
            }

            switch (databaseOwner)
            {
                case null:
                    await master.ExecuteAsync(DatabaseSql.CreateDatabase(database, user), cancellation);
                    items.Add(new($"database {database}", ItemStatus.Changed, "created"));
                    items.Add(new($"owner of database {database}", ItemStatus.Changed, user));
                    await master.DisposeAsync();
                    master = await connector.OpenAsync(request.MasterUser, request.MasterPassword, database, cancellation);
                    schemaOwner = await master.ScalarAsync(DatabaseSql.PublicSchemaOwner(), cancellation) as string;
                    break;
                case string owner when owner != user:
                    await master.ExecuteAsync(DatabaseSql.SetDatabaseOwner(database, user), cancellation);
                    items.Add(new($"database {database}", ItemStatus.Ok, ""));
                    items.Add(new($"owner of database {database}", ItemStatus.Changed, $"{owner} -> {user}"));
                    break;
                default:
                    items.Add(new($"database {database}", ItemStatus.Ok, ""));
                    items.Add(new($"owner of database {database}", ItemStatus.Ok, user));
                    break;
            }

            if (schemaOwner == user)
            {
                items.Add(new($"owner of schema {database}.public", ItemStatus.Ok, user));
            }
            else
            {
                await master.ExecuteAsync(DatabaseSql.SetPublicSchemaOwner(user), cancellation);
                items.Add(new($"owner of schema {database}.public", ItemStatus.Changed, $"{schemaOwner ?? "none"} -> {user}"));
            }
        }
        finally
        {
            await master.DisposeAsync();
        }

        // The master session is closed first: measured, a session opened through the tunnel while
        // another was open waited ~0.6 s before its first byte went through.
        await using var login = await connector.TryOpenAsync(user, request.Password, database, cancellation);
        if (login is null)
        {
            await using (var again = await connector.OpenAsync(request.MasterUser, request.MasterPassword, database, cancellation))
            {
                await again.ExecuteAsync(DatabaseSql.SetPassword(user, ScramVerifier.Compute(request.Password.Reveal())), cancellation);
            }

            items.Add(new($"password of role {user}", ItemStatus.Changed, "the server refused it: set"));
            // The proof that the site gets in: a refusal now means pg_hba or the server, not the password.
            await using var retry = await connector.OpenAsync(user, request.Password, database, cancellation);
        }
        else if (!created)
        {
            items.Add(new($"password of role {user}", ItemStatus.Ok, "the server accepts it"));
        }

        return new(items, null);
    }

    /// <summary>
    /// The usual run, in one session and without the master user: the site's role logs in to its
    /// database with its password and owns the database and its public schema, which is everything the
    /// setup makes. Null when any of it does not hold; the session is closed before the master's opens.
    /// </summary>
    private static async Task<DatabaseSetupResult?> AlreadySetUpAsync(DatabaseConnector connector, DatabaseSetupRequest request, CancellationToken cancellation)
    {
        var (database, user) = (request.Database, request.User);
        await using var site = await connector.TryOpenIfExistsAsync(user, request.Password, database, cancellation);
        if (site is null || await site.RowAsync(DatabaseSql.SiteState(), cancellation) is not [true, var migrated])
        {
            return null;
        }

        var applied = migrated is true ? await site.ScalarAsync(DatabaseSql.AppliedMigrations(), cancellation) as string : null;
        return new(
        [
            new($"role {user}", ItemStatus.Ok, "logs in"),
            new($"database {database}", ItemStatus.Ok, ""),
            new($"owner of database {database}", ItemStatus.Ok, user),
            new($"owner of schema {database}.public", ItemStatus.Ok, user),
            new($"password of role {user}", ItemStatus.Ok, "the server accepts it"),
        ], applied);
    }
}
