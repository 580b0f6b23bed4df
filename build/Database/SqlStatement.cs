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

    /// <summary>
    /// Everything the setup compares, in one round trip (one row): whether the role may log in and
    /// whether the connected user is a member of it (both null when the role does not exist), the
    /// database's owner (null when it does not exist), and the owner of the public schema when the
    /// session is in that database (null otherwise).
    /// </summary>
    public static SqlStatement State(string role, string database) => new("""
        SELECT r.rolcanlogin,
               CASE WHEN r.oid IS NOT NULL THEN pg_has_role(current_user, r.oid, 'MEMBER') END,
               (SELECT pg_get_userbyid(datdba)::text FROM pg_database WHERE datname = $2::name),
               CASE WHEN current_database() = $2::name THEN (SELECT pg_get_userbyid(nspowner)::text FROM pg_namespace WHERE nspname = 'public') END
        FROM (SELECT) AS one LEFT JOIN pg_roles AS r ON r.rolname = $1::name
        """, role, database);

    /// <summary>
    /// One row: whether the connected user owns the connected database and its public schema (false when
    /// there is no public schema), and whether Django's table of applied migrations exists for it.
    /// </summary>
    public static SqlStatement SiteState() => new("""
        SELECT COALESCE((SELECT pg_get_userbyid(d.datdba) = current_user AND pg_get_userbyid(n.nspowner) = current_user
                         FROM pg_database AS d, pg_namespace AS n
                         WHERE d.datname = current_database() AND n.nspname = 'public'), false),
               to_regclass('django_migrations') IS NOT NULL
        """);

    /// <summary>The MD5 of the migrations Django has applied (null when none): the same text the host's migrate stamp is made with, so that both compare.</summary>
    public const string AppliedMigrationsText = "SELECT md5(string_agg(app || ' ' || name, ',' ORDER BY app, name)) FROM django_migrations";

    public static SqlStatement AppliedMigrations() => new(AppliedMigrationsText);

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
