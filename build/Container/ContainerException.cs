namespace CoralNet.Deploy.Container;

/// <summary>The image builder cannot do what was asked; the message says what is wrong and what to do, on one line.</summary>
public sealed class ContainerException(string message) : Exception(message);
