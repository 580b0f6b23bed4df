using System.Security.Cryptography;
using System.Text;

namespace CoralNet.Deploy.Database;

/// <summary>
/// A SCRAM-SHA-256 password verifier as PostgreSQL stores it (RFC 5802, RFC 7677; PostgreSQL's
/// "Password Authentication"): <c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>. CREATE and
/// ALTER ROLE accept it in place of the password, so the password itself never reaches the server's
/// statement text, its logs or any client log: only what the server would have computed from it.
/// </summary>
public static class ScramVerifier
{
    public const int Iterations = 4096;
    private const int SaltLength = 16;

    public static string Compute(string password) => Compute(password, RandomNumberGenerator.GetBytes(SaltLength));

    /// <summary>Whether the verifier was computed from this password (same salt and iterations, compared in constant time).</summary>
    public static bool Matches(string password, string verifier)
    {
        var parts = verifier.Split('$', ':');
        if (parts is not ["SCRAM-SHA-256", var iterations, var salt, _, _] || iterations != Iterations.ToString(System.Globalization.CultureInfo.InvariantCulture))
        {
            return false;
        }

        try
        {
            var expected = Compute(password, Convert.FromBase64String(salt));
            return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(expected), Encoding.ASCII.GetBytes(verifier));
        }
        catch (FormatException)
        {
            return false;
        }
    }

    internal static string Compute(string password, byte[] salt)
    {
        // PostgreSQL runs the password through SASLprep, which leaves printable ASCII unchanged; other
        // characters could be mapped differently here and there, so they are refused.
        if (password.Any(c => c is < ' ' or > '~'))
        {
            throw new ArgumentException("The database password must be printable ASCII (letters, digits, punctuation, space).", nameof(password));
        }

        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }
}
