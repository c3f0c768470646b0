using AzureEmulator.Admin;
using AzureEmulator.Faults;
using AzureEmulator.State;
using AzureEmulator.Tokens;

namespace AzureEmulator;

/// <summary>Everything the handlers share: state, tokens, the emulator's own address, Azurite's, the request log and faults.</summary>
public sealed class EmulatorContext(EmulatorState state, TokenValidator tokens, Uri? azuriteBlob)
{
    public EmulatorState State { get; } = state;

    public TokenValidator Tokens { get; } = tokens;

    /// <summary>https://127.0.0.1:port, known once Kestrel has bound.</summary>
    public Uri BaseUrl { get; set; } = new("https://127.0.0.1/");

    public Uri? AzuriteBlob { get; } = azuriteBlob;

    public RequestLog Requests { get; } = new();

    public FaultInjector Faults { get; } = new();

    /// <summary>The serverless SQL (TDS) endpoint, once started.</summary>
    public Tds.SqlEndpointServer? Sql { get; set; }

    /// <summary>What workspaces advertise as connectivityEndpoints.sqlOnDemand: the TDS listener, or a name when none runs.</summary>
    public string SqlOnDemandEndpoint(string workspace) => Sql?.Endpoint ?? $"{workspace}-ondemand.sql.azuresynapse.net";

    /// <summary>The fault-injecting proxy in front of Azurite, when the emulator was started with one.</summary>
    public StorageProxy? StorageProxy { get; set; }

    public string Authority => BaseUrl.GetLeftPart(UriPartial.Authority);

    /// <summary>The blob endpoint of a storage account: the same-named Azurite account when Azurite is known.</summary>
    public string BlobEndpoint(string account) =>
        AzuriteBlob is null ? $"https://{account}.blob.core.windows.net/" : $"{StorageAuthority}/{account}/";

    /// <summary>The dfs endpoint: Azurite has none, so it is the blob endpoint there.</summary>
    public string DfsEndpoint(string account) =>
        AzuriteBlob is null ? $"https://{account}.dfs.core.windows.net/" : $"{StorageAuthority}/{account}/";

    /// <summary>Where storage endpoints point: the fault-injecting proxy when there is one, else Azurite.</summary>
    private string StorageAuthority => StorageProxy is { } proxy ? $"https://127.0.0.1:{proxy.Port}" : AzuriteBlob!.GetLeftPart(UriPartial.Authority);

    public string SynapseDevEndpoint(string workspace) => $"{Authority}/synapse/{workspace}";
}
