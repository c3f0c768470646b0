using Azure.Core;
using Azure.Core.Pipeline;
using AzureEmulator.Admin;
using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using EmulatorScenario = AzureEmulator.State.Scenario;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

/// <summary>The checker against the in-process Azure emulator: every check of the prepared tenant, in three rounds of requests.</summary>
public sealed class PrerequisiteCheckerEmulatorTests
{
    private const string Sub = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string QueryUser = "a1b2c3d4-0000-4000-8000-000000000044";
    private const string AccountId = $"/subscriptions/{Sub}/resourceGroups/rg-ci-synapse/providers/Microsoft.Storage/storageAccounts/cisynapselake";
    private const string SynapseAudience = "https://dev.azuresynapse.net";
    private const string GraphAudience = "https://graph.microsoft.com";

    internal static EmulatorScenario PreparedTenant() =>
        EmulatorScenario.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "tests", "AzureEmulator", "Scenarios", "prepared-tenant.json")));

    internal static PrerequisiteChecker CheckerFor(LocalEmulator emulator, string userId, string? callerType = "User", Func<Uri, string, CancellationToken, Task>? probeContainer = null,
        Func<string, CancellationToken, Task<SqlRights>>? probeSql = null)
    {
        var credential = new ScopeTokenCredential(new Dictionary<string, string>
        {
            [emulator.ResourceManagerAudience] = emulator.Token(userId, emulator.ResourceManagerAudience),
            [GraphAudience] = emulator.Token(userId, GraphAudience),
            [SynapseAudience] = emulator.Token(userId, SynapseAudience),
        });
        AzureClientOptions Options() => new() { Transport = new HttpClientTransport(emulator.CreateHandler()), Retry = { MaxRetries = 0 } };
        return new PrerequisiteChecker(
            new AzureRestClient(emulator.ResourceManagerUrl, credential, emulator.ResourceManagerAudience, Options()),
            new AzureRestClient(emulator.GraphUrl, credential, GraphAudience, Options()),
            endpoint => new AzureRestClient(endpoint, credential, SynapseAudience, Options()),
            _ => Task.FromResult(new SignedInIdentity(userId, callerType)),
            probeContainer,
            probeSql);
    }

    /// <summary>The longest run of requests each of which started after the previous one ended.</summary>
    private static int SequentialRounds(IReadOnlyList<RequestEntry> entries)
    {
        var sorted = entries.OrderBy(e => e.Started).ToArray();
        var chain = new int[sorted.Length];
        for (var i = 0; i < sorted.Length; i++)
        {
            chain[i] = 1 + Enumerable.Range(0, i).Where(j => sorted[i].Started >= sorted[j].Ended).Select(j => chain[j]).DefaultIfEmpty(0).Max();
        }

        return chain.DefaultIfEmpty(0).Max();
    }

    [Fact]
    public async Task The_prepared_tenant_passes_in_three_rounds_reading_each_role_definition_once()
    {
        var scenario = PreparedTenant();
        await using var emulator = await LocalEmulator.StartAsync(scenario);
        // Long enough that a request of one round never starts after another of the same round ended, even on a loaded machine.
        emulator.Host.Context.Faults.Latency = TimeSpan.FromMilliseconds(1000);
        var checker = CheckerFor(emulator, scenario.SignedInUser!);
        var target = new PrerequisiteTarget(Sub, "rg-ci-synapse", "ws-ci-export", AccountId, "customerinsights") { QueryUserObjectIds = [QueryUser] };

        var results = await checker.TestAsync(target, OperationContext.None);

        Assert.All(results, r => Assert.True(r.Status == PrerequisiteStatus.Passed, $"{r.CheckId}: {r.Status} {r.Reason}"));
        Assert.Equal(16, results.Count);
        Assert.All(results, r => Assert.Contains(r.CheckId, CheckIds.All));
        Assert.Equal(3, checker.Rounds);
        var requests = emulator.Host.Context.Requests.Snapshot();
        Assert.True(requests.Count > 15, $"{requests.Count} requests");
        Assert.InRange(SequentialRounds(requests), 1, 3);
        var definitions = requests.Where(r => r.Route == "GET roleDefinition").GroupBy(r => r.Path.ToLowerInvariant()).ToArray();
        Assert.True(definitions.Length >= 3, $"{definitions.Length} role definitions");
        Assert.All(definitions, d => Assert.Single(d));
    }

    [Fact]
    public async Task Every_page_is_read_when_lists_page_one_item_at_a_time()
    {
        var scenario = PreparedTenant();
        scenario.Options.PageSize = 1;
        var workspace = scenario.SynapseWorkspaces[0];
        var servicePrincipalFirst = workspace.RoleAssignments[0];
        workspace.RoleAssignments.RemoveAt(0);
        workspace.RoleAssignments.Add(servicePrincipalFirst);
        await using var emulator = await LocalEmulator.StartAsync(scenario);
        var checker = CheckerFor(emulator, scenario.SignedInUser!);
        var target = new PrerequisiteTarget(Sub, "rg-ci-synapse", "ws-ci-export", AccountId, "customerinsights") { QueryUserObjectIds = [QueryUser] };

        var results = await checker.TestAsync(target, OperationContext.None);

        Assert.All(results, r => Assert.True(r.Status == PrerequisiteStatus.Passed, $"{r.CheckId}: {r.Status} {r.Reason}"));
        var requests = emulator.Host.Context.Requests.Snapshot();
        Assert.Equal(workspace.RoleAssignments.Count, requests.Count(r => r.Route == "GET synapse roleAssignments"));
        Assert.Equal(3, checker.Rounds);
    }

    [Fact]
    public void The_round_measure_chains_sequential_requests_and_not_concurrent_ones()
    {
        var t0 = DateTimeOffset.UtcNow;
        RequestEntry At(int startMs, int endMs) => new("GET", "GET x", "/x", 200, t0.AddMilliseconds(startMs), t0.AddMilliseconds(endMs), null);
        Assert.Equal(4, SequentialRounds([At(0, 200), At(200, 400), At(400, 600), At(600, 800)]));
        Assert.Equal(2, SequentialRounds([At(0, 200), At(5, 205), At(10, 210), At(210, 400), At(211, 401)]));
    }

    /// <summary>Hands out a fixed token per audience (the scope minus "/.default").</summary>
    internal sealed class ScopeTokenCredential(IReadOnlyDictionary<string, string> tokens) : TokenCredential
    {
        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            var audience = requestContext.Scopes[0].Replace("/.default", string.Empty, StringComparison.Ordinal).TrimEnd('/');
            return new AccessToken(tokens[audience], DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            new(GetToken(requestContext, cancellationToken));
    }
}
