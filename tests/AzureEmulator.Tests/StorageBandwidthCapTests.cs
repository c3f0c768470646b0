using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AzureEmulator.Testing;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

/// <summary>
/// The storage proxy's bandwidth cap (slow storage for the bench): a capped transfer takes at least size / cap, in
/// both directions, and clearing the proxy's settings removes the cap. Only lower bounds are asserted.
/// </summary>
public sealed class StorageBandwidthCapTests
{
    private const int Size = BlobStandIn.Size;
    private const long Cap = 192 * 1024;

    [Fact]
    public async Task A_capped_download_and_upload_each_take_at_least_size_over_cap_and_clearing_the_settings_removes_the_cap()
    {
        await using var standIn = await BlobStandIn.StartAsync();
        var certificate = LocalEmulator.CreateCertificate();
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions(BaseScenario(), certificate, 0, standIn.AccountUrl, SqlPort: -1) { StorageProxyPort = 0 });
        var proxyPort = host.Context.StorageProxy!.Port;
        using var emulator = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint }) { BaseAddress = host.BaseUrl };
        var blob = $"https://127.0.0.1:{proxyPort}/devstoreaccount1/{Container}/blob";

        async Task<JsonNode> AdminAsync(HttpMethod method, JsonNode? body = null)
        {
            using var response = await emulator.SendAsync(new HttpRequestMessage(method, "/_admin/storageFaults") { Content = body is null ? null : new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json") });
            response.EnsureSuccessStatusCode();
            return method == HttpMethod.Delete ? new JsonObject() : JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        }

        async Task<(TimeSpan Took, string Answer)> TransferAsync(HttpMethod method)
        {
            var clock = Stopwatch.StartNew();
            using var response = await emulator.SendAsync(new HttpRequestMessage(method, blob) { Content = method == HttpMethod.Put ? new ByteArrayContent(new byte[Size]) : null });
            var answer = method == HttpMethod.Put ? await response.Content.ReadAsStringAsync() : (await response.Content.ReadAsByteArrayAsync()).Length.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return (clock.Elapsed, answer);
        }

        var set = await AdminAsync(HttpMethod.Put, new JsonObject { ["bandwidthBytesPerSecond"] = Cap });
        Assert.Equal(Cap, set["settings"]!["bandwidthBytesPerSecond"]!.GetValue<long>());
        var atLeast = TimeSpan.FromSeconds((double)Size / Cap);

        var download = await TransferAsync(HttpMethod.Get);
        var upload = await TransferAsync(HttpMethod.Put);

        Assert.Equal(Size.ToString(System.Globalization.CultureInfo.InvariantCulture), download.Answer);
        Assert.Equal(Size.ToString(System.Globalization.CultureInfo.InvariantCulture), upload.Answer);
        Assert.True(download.Took >= atLeast, $"The capped download took {download.Took}, less than {atLeast}.");
        Assert.True(upload.Took >= atLeast, $"The capped upload took {upload.Took}, less than {atLeast}.");
        Assert.Equal((2L * Size) + upload.Answer.Length, (await AdminAsync(HttpMethod.Get))["pacedBytes"]!.GetValue<long>());

        await AdminAsync(HttpMethod.Delete);
        var cleared = await TransferAsync(HttpMethod.Get);

        Assert.Equal(Size.ToString(System.Globalization.CultureInfo.InvariantCulture), cleared.Answer);
        var after = await AdminAsync(HttpMethod.Get);
        Assert.Null(after["settings"]);
        Assert.Equal(0L, after["pacedBytes"]!.GetValue<long>());
    }

    [Fact]
    public async Task The_proxy_forwards_the_Host_the_client_sent_so_Azurite_accepts_its_own_copy_sources()
    {
        var hosts = new List<string>();
        await using var standIn = await BlobStandIn.StartAsync(h => { lock (hosts) { hosts.Add(h); } });
        var certificate = LocalEmulator.CreateCertificate();
        await using var host = await EmulatorHost.StartAsync(new EmulatorOptions(BaseScenario(), certificate, 0, standIn.AccountUrl, SqlPort: -1) { StorageProxyPort = 0 });
        var proxyPort = host.Context.StorageProxy!.Port;
        using var client = new HttpClient(new HttpClientHandler { ServerCertificateCustomValidationCallback = (_, cert, _, _) => cert?.Thumbprint == certificate.Thumbprint });

        using var response = await client.GetAsync($"https://127.0.0.1:{proxyPort}/devstoreaccount1/{Container}/blob");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal([$"127.0.0.1:{proxyPort}"], hosts);
    }

    [Fact]
    public void A_negative_cap_is_refused() =>
        Assert.Throws<ArgumentException>(() => new Faults.StorageFaultSettings { BandwidthBytesPerSecond = -1 }.Validate());
}
