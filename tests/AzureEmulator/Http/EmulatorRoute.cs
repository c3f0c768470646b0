namespace AzureEmulator.Http;

/// <summary>A matched request: the name it is counted under (e.g. "GET roleAssignments") and its handler.</summary>
public sealed record EmulatorRoute(string Name, Func<HttpContext, Task<Reply>> Handle);
