namespace CoralNet.Deploy.Database;

/// <summary>PostgreSQL quoting, for the few places where a value cannot be a bind parameter (DDL).</summary>
public static class PgSql
{
    /// <summary>A quoted identifier: "name", inner double quotes doubled. Case is kept, keywords are safe.</summary>
    public static string Identifier(string name)
    {
        if (name.Length == 0 || name.Contains('\0'))
        {
            throw new ArgumentException("A PostgreSQL identifier is never empty and holds no NUL character.", nameof(name));
        }

        return "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
    }

    /// <summary>
    /// An escape string literal, E'...', with backslashes and single quotes doubled: it reads the same
    /// whatever standard_conforming_strings says.
    /// </summary>
    public static string Literal(string value)
    {
        if (value.Contains('\0'))
        {
            throw new ArgumentException("A PostgreSQL string holds no NUL character.", nameof(value));
        }

        return "E'" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
