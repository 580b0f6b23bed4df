using CoralNet.Deploy.Settings;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace CoralNet.Deploy.Database;

/// <summary>
/// Opens PostgreSQL sessions through a tunnel. Npgsql logs nowhere unless a logger factory is given,
/// and never logs parameters; connection strings keep no password once open (Persist Security Info
/// is off), and errors name the server and the user, never the password.
/// </summary>
public sealed class DatabaseConnector(DatabaseTunnel tunnel, DatabaseEndpoint endpoint, string via, TimeSpan connectTimeout, TimeSpan commandTimeout, ILoggerFactory? loggerFactory = null)
{
    private const string AuthenticationFailed = "28P01";
    private const string InvalidAuthorization = "28000";
    private const string NoSuchDatabase = "3D000";

    private enum Refusal
    {
        None,
        Password,
        NoDatabase,
    }

    /// <summary>Opens a session, or explains who was refused where.</summary>
    public async Task<DatabaseSession> OpenAsync(string user, Secret password, string database, CancellationToken cancellation = default) =>
        await TryOpenAsync(user, password, database, cancellation) ?? throw PasswordRefused(user, database);

    /// <summary>Opens a session; null when the server refuses the user's password (or the user does not exist).</summary>
    public async Task<DatabaseSession?> TryOpenAsync(string user, Secret password, string database, CancellationToken cancellation = default)
    {
        var (session, refusal) = await OpenCoreAsync(user, password, database, cancellation);
        return refusal == Refusal.NoDatabase ? throw NoDatabase(user, database) : session;
    }

    /// <summary>Opens a session when the user gets into the database; null when its password is refused, or it or the database does not exist.</summary>
    public async Task<DatabaseSession?> TryOpenIfExistsAsync(string user, Secret password, string database, CancellationToken cancellation = default) =>
        (await OpenCoreAsync(user, password, database, cancellation)).Session;

    /// <summary>Opens a session in a database that may not exist yet; null when it does not.</summary>
    public async Task<DatabaseSession?> OpenIfExistsAsync(string user, Secret password, string database, CancellationToken cancellation = default)
    {
        var (session, refusal) = await OpenCoreAsync(user, password, database, cancellation);
        return refusal == Refusal.Password ? throw PasswordRefused(user, database) : session;
    }

    private DatabaseSetupException PasswordRefused(string user, string database) =>
        new($"{Where}: PostgreSQL refused user {user} on database {database}: password authentication failed. Check the password in the secret that the settings name for this user (the value is not shown).");

    private DatabaseSetupException NoDatabase(string user, string database) =>
        new($"{Where}: cannot open database {database} as user {user}: it does not exist. Run the SetupDatabase target, which creates it.");

    private async Task<(DatabaseSession? Session, Refusal Refusal)> OpenCoreAsync(string user, Secret password, string database, CancellationToken cancellation)
    {
        var connection = new NpgsqlConnectionStringBuilder
        {
            Host = tunnel.LocalAddress,
            Port = tunnel.LocalPort,
            Username = user,
            Password = password.Reveal(),
            Database = database,
            // Each session is its own: nothing stays open on the tunnel after the setup.
            Pooling = false,
            Timeout = (int)Math.Ceiling(connectTimeout.TotalSeconds),
            CommandTimeout = (int)Math.Ceiling(commandTimeout.TotalSeconds),
            ApplicationName = "coralnet-deploy",
        };
        var source = new NpgsqlDataSourceBuilder(connection.ConnectionString)
            // The setup reads only built-in types: loading the server's whole type catalogue at each
            // login would cost ~60 KB through the tunnel, most of a deploy's traffic.
            .ConfigureTypeLoading(typeLoading => typeLoading.EnableTypeLoading(false))
            .UseLoggerFactory(loggerFactory ?? NullLoggerFactory.Instance)
            .EnableParameterLogging(false)
            .Build();
        try
        {
            return (new DatabaseSession(source, await source.OpenConnectionAsync(cancellation), $"{Where} as {user}"), Refusal.None);
        }
        catch (PostgresException exception) when (exception.SqlState is AuthenticationFailed or InvalidAuthorization && exception.MessageText.Contains("password", StringComparison.Ordinal))
        {
            await source.DisposeAsync();
            return (null, Refusal.Password);
        }
        catch (PostgresException exception) when (exception.SqlState == NoSuchDatabase)
        {
            await source.DisposeAsync();
            return (null, Refusal.NoDatabase);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            await source.DisposeAsync();
            var message = exception is PostgresException postgres ? $"{postgres.SqlState}: {postgres.MessageText}" : exception.Message;
            var tunnelError = tunnel.Error is { } error ? $" The SSH tunnel over {via} says: {error}." : "";
            // Not PostgreSQL's answer: nothing answered at the address the settings give.
            var settings = exception is PostgresException ? "" : " The address is the sandbox's database host (Sandbox.DatabaseHost) or the environment's RDS instance, the port Database.Port: is PostgreSQL listening there?";
            throw new DatabaseSetupException($"{Where}: cannot open database {database} as user {user}: {message}.{tunnelError}{settings}");
        }
    }

    private string Where => $"{endpoint} through the SSH tunnel over {via}";
}

/// <summary>An open session: runs <see cref="SqlStatement"/>s, and says which one failed without its payload.</summary>
public sealed class DatabaseSession(NpgsqlDataSource source, NpgsqlConnection connection, string where) : IAsyncDisposable
{
    public async Task<object?> ScalarAsync(SqlStatement statement, CancellationToken cancellation = default)
    {
        await using var command = Command(statement);
        return await Guard(statement, () => command.ExecuteScalarAsync(cancellation));
    }

    /// <summary>The first row's values (null for SQL NULL).</summary>
    public async Task<object?[]> RowAsync(SqlStatement statement, CancellationToken cancellation = default)
    {
        await using var command = Command(statement);
        return await Guard(statement, async () =>
        {
            await using var reader = await command.ExecuteReaderAsync(cancellation);
            if (!await reader.ReadAsync(cancellation))
            {
                throw new DatabaseSetupException($"{where}: {statement.Display} returned no row.");
            }

            return Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? null : reader.GetValue(i)).ToArray();
        });
    }

    public async Task ExecuteAsync(SqlStatement statement, CancellationToken cancellation = default)
    {
        await using var command = Command(statement);
        await Guard(statement, () => command.ExecuteNonQueryAsync(cancellation));
    }

    private NpgsqlCommand Command(SqlStatement statement)
    {
        var command = connection.CreateCommand();
        command.CommandText = statement.Text;
        foreach (var value in statement.Parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private async Task<T> Guard<T>(SqlStatement statement, Func<Task<T>> run)
    {
        try
        {
            return await run();
        }
        catch (PostgresException exception)
        {
            // The server's message only: the exception itself carries the statement's text.
            throw new DatabaseSetupException($"{where}: {statement.Display} failed: {exception.SqlState}: {exception.MessageText}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await connection.DisposeAsync();
        await source.DisposeAsync();
    }
}
