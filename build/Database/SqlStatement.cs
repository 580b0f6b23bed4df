namespace CoralNet.Deploy.Database;

/// <summary>One SQL statement as plain data: its text, what logs and errors show, and its bind parameters ($1, $2...).</summary>
public sealed record SqlStatement(string Text, string Display, IReadOnlyList<object> Parameters)
{
    public SqlStatement(string text, params object[] parameters)
        : this(text, text, parameters)
    {
    }

    public override string ToString() => Display;
}

/// <summary>
/// The SQL of the database setup, built in one place. Names are quoted identifiers, values are bind
/// parameters; DDL cannot take parameters, so a password goes in as a quoted SCRAM verifier, masked in <see cref="SqlStatement.Display"/>.
/// </summary>
public static class DatabaseSql
{
    /// <summary>The database every PostgreSQL server (RDS included) has, to connect to before ours exists.</summary>
    public const string MaintenanceDatabase = "postgres";

    private const string Masked = "***";

    /// <summary>Whether the role may log in; no row when the role does not exist.</summary>
    public static SqlStatement RoleCanLogin(string role) =>
        new("SELECT rolcanlogin FROM pg_roles WHERE rolname = $1::name", role);

    public static SqlStatement CreateRole(string role, string verifier) => Password($"CREATE ROLE {PgSql.Identifier(role)} LOGIN PASSWORD ", verifier);

    public static SqlStatement AllowLogin(string role) => new($"ALTER ROLE {PgSql.Identifier(role)} LOGIN");

    public static SqlStatement SetPassword(string role, string verifier) => Password($"ALTER ROLE {PgSql.Identifier(role)} PASSWORD ", verifier);

    /// <summary>
    /// Whether the connected user is a member of the role: a master user that is not a superuser (RDS's)
    /// may give a database or schema only to a role it belongs to.
    /// </summary>
    public static SqlStatement IsMemberOf(string role) =>
        new("SELECT pg_has_role(current_user, $1::name, 'MEMBER')", role);

    public static SqlStatement GrantMembership(string role, string member) =>
        new($"GRANT {PgSql.Identifier(role)} TO {PgSql.Identifier(member)}");

    /// <summary>The database's owner; no row when it does not exist.</summary>
    public static SqlStatement DatabaseOwner(string database) =>
        new("SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $1::name", database);

    public static SqlStatement CreateDatabase(string database, string owner) =>
        new($"CREATE DATABASE {PgSql.Identifier(database)} OWNER {PgSql.Identifier(owner)}");

    public static SqlStatement SetDatabaseOwner(string database, string owner) =>
        new($"ALTER DATABASE {PgSql.Identifier(database)} OWNER TO {PgSql.Identifier(owner)}");

    /// <summary>The owner of the connected database's public schema.</summary>
    public static SqlStatement PublicSchemaOwner() =>
        new("SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'public'");

    public static SqlStatement SetPublicSchemaOwner(string owner) =>
        new($"ALTER SCHEMA public OWNER TO {PgSql.Identifier(owner)}");

    private static SqlStatement Password(string head, string verifier) =>
        new(head + PgSql.Literal(verifier), head + Masked, []);
}
