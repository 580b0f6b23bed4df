namespace CoralNet.Deploy.Remote;

/// <summary>The host's key did not pass the known_hosts check; the message says why and what to do.</summary>
public sealed class HostKeyRefusedException(string message) : Exception(message);
