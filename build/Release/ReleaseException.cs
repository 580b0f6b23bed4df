namespace CoralNet.Deploy.Release;

/// <summary>A release cannot be made or placed; the message says what is wrong and what to do.</summary>
public sealed class ReleaseException(string message) : Exception(message);
