namespace CoralNet.Deploy.Sandbox;

/// <summary>The sandbox cannot do what was asked; the message says what is wrong and what to do, on one line.</summary>
public sealed class SandboxException(string message, Exception? cause = null) : Exception(message, cause);
