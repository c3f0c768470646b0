using System.Diagnostics;
using System.Text.Json.Nodes;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class FaultInjectionTests
{
    private static readonly string WorkspacePath = $"{RgScope}/providers/Microsoft.Synapse/workspaces/{Workspace}?api-version=2021-06-01";

    [Fact]
    public async Task ThrottlingSends429WithRetryAfterForTheConfiguredCountThenAnswers()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "faults", new JsonObject { ["kind"] = "429", ["rate"] = 1.0, ["retryAfterSeconds"] = 7, ["maxCount"] = 2 });

        var statuses = new List<int>();
        string? retryAfter = null;
        for (var i = 0; i < 3; i++)
        {
            using var r = await emu.ArmGetAsync(WorkspacePath);
            statuses.Add((int)r.StatusCode);
            retryAfter ??= r.Headers.TryGetValues("Retry-After", out var v) ? v.Single() : null;
        }

        Assert.Equal([429, 429, 200], statuses);
        Assert.Equal("7", retryAfter);
    }

    [Theory]
    [InlineData("500")]
    [InlineData("503")]
    public async Task ServerErrorsHaveTheAzureErrorShape(string kind)
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "faults", new JsonObject { ["kind"] = kind });

        using var r = await emu.ArmGetAsync(WorkspacePath);

        Assert.Equal(int.Parse(kind, System.Globalization.CultureInfo.InvariantCulture), (int)r.StatusCode);
        Assert.False(string.IsNullOrEmpty((await JsonAsync(r))["error"]!["code"]!.GetValue<string>()));
    }

    [Fact]
    public async Task DroppedConnectionFailsTheRequestWithoutAnAnswer()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "faults", new JsonObject { ["kind"] = "drop", ["maxCount"] = 1 });

        await Assert.ThrowsAsync<HttpRequestException>(() => emu.ArmGetAsync(WorkspacePath));
        using var second = await emu.ArmGetAsync(WorkspacePath);
        Assert.Equal(200, (int)second.StatusCode);
    }

    [Fact]
    public async Task RateInjectsAboutThatShareAndOnlyOnMatchingRoutes()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "faults", new JsonObject { ["kind"] = "503", ["rate"] = 0.5, ["match"] = "GET workspace", ["seed"] = 42 });

        var failures = 0;
        for (var i = 0; i < 200; i++)
        {
            using var r = await emu.ArmGetAsync(WorkspacePath);
            failures += (int)r.StatusCode == 503 ? 1 : 0;
        }

        using var other = await emu.ArmGetAsync($"{AccountScope}?api-version=2023-01-01");
        var faults = await emu.AdminAsync(HttpMethod.Get, "faults");

        Assert.InRange(failures, 70, 130);
        Assert.Equal(failures, faults["injected"]!.GetValue<int>());
        Assert.Equal(200, (int)other.StatusCode);
    }

    [Fact]
    public async Task ClearingFaultsStopsInjection()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "faults", new JsonObject { ["kind"] = "500" });
        await emu.AdminAsync(HttpMethod.Delete, "faults");

        using var r = await emu.ArmGetAsync(WorkspacePath);

        Assert.Equal(200, (int)r.StatusCode);
    }

    [Fact]
    public async Task LatencyDelaysEveryRequestAndIsRecordedInTheLog()
    {
        await using var emu = await StartAsync();
        await emu.AdminAsync(HttpMethod.Put, "latency", new JsonObject { ["milliseconds"] = 150 });

        var watch = Stopwatch.StartNew();
        using var r = await emu.ArmGetAsync(WorkspacePath);
        watch.Stop();
        var log = await emu.AdminAsync(HttpMethod.Get, "requests");

        Assert.Equal(200, (int)r.StatusCode);
        // Timers may fire up to a tick early against the wall clock, hence the small allowance below 150 ms.
        Assert.True(watch.ElapsedMilliseconds >= 145, $"answered after {watch.ElapsedMilliseconds} ms");
        var entry = log["entries"]!.AsArray().Single()!;
        var served = DateTimeOffset.Parse(entry["ended"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture)
            - DateTimeOffset.Parse(entry["started"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(served >= TimeSpan.FromMilliseconds(145), $"served in {served.TotalMilliseconds} ms");
    }

    [Fact]
    public async Task RequestsAreCountedPerRoute()
    {
        await using var emu = await StartAsync();

        for (var i = 0; i < 3; i++)
        {
            using var _ = await emu.ArmGetAsync(RoleAssignments(AccountScope, "atScope()"));
        }

        using var w = await emu.ArmGetAsync(WorkspacePath);
        var log = await emu.AdminAsync(HttpMethod.Get, "requests");

        Assert.Equal(3, log["counts"]!["GET roleAssignments"]!.GetValue<int>());
        Assert.Equal(1, log["counts"]!["GET workspace"]!.GetValue<int>());
        Assert.Equal(4, log["total"]!.GetValue<int>());
    }
}
