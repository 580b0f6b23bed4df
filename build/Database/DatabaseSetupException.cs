namespace CoralNet.Deploy.Database;

/// <summary>The database setup failed; the message says where, as whom and why, and never holds a password.</summary>
public sealed class DatabaseSetupException(string message) : Exception(message);
