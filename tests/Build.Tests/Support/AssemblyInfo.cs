// The suite and its sandbox run on Linux; the tests check Unix file modes among other things.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
