using Azure.Core.Pipeline;
using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Tests.Prerequisites;
using EmulatorState = AzureEmulator.State;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>
/// The name CREATE USER … FROM EXTERNAL PROVIDER needs, from Microsoft Graph: a user's UPN, a group's or service
/// principal's display name, which must be unique among the tenant's groups and service principals.
/// </summary>
public sealed class QueryPrincipalResolverTests
{
    private const string Admin = "a1b2c3d4-0000-4000-8000-000000000011";
    private const string Quinn = "a1b2c3d4-0000-4000-8000-000000000044";
    private const string ReadersGroup = "a1b2c3d4-0000-4000-8000-000000000055";
    private const string CustomerInsights = "a1b2c3d4-0000-4000-8000-000000000022";
    private const string GraphAudience = "https://graph.microsoft.com";

    private static async Task<(LocalEmulator Emulator, QueryPrincipalResolver Resolver)> StartAsync(Action<EmulatorState.Scenario>? change = null)
    {
        var scenario = PrerequisiteCheckerEmulatorTests.PreparedTenant();
        change?.Invoke(scenario);
        var emulator = await LocalEmulator.StartAsync(scenario);
        var credential = new PrerequisiteCheckerEmulatorTests.ScopeTokenCredential(new Dictionary<string, string> { [GraphAudience] = emulator.Token(Admin, GraphAudience) });
        var graph = new AzureRestClient(emulator.GraphUrl, credential, GraphAudience, new AzureClientOptions { Transport = new HttpClientTransport(emulator.CreateHandler()), Retry = { MaxRetries = 0 } });
        return (emulator, new QueryPrincipalResolver(graph));
    }

    [Fact]
    public async Task A_user_by_UPN_or_object_id_is_named_by_its_UPN()
    {
        var (emulator, resolver) = await StartAsync();
        await using var _ = emulator;

        var byUpn = await resolver.ResolveAsync(new QueryPrincipalName(UserPrincipalName: "QUINN@contoso.example"), CancellationToken.None);
        var byId = await resolver.ResolveAsync(new QueryPrincipalName(ObjectId: Quinn.ToUpperInvariant()), CancellationToken.None);

        Assert.Equal(new QueryPrincipal(Quinn, QueryPrincipalType.User, "quinn@contoso.example", "Quinn Query"), byUpn);
        Assert.Equal(byUpn, byId);
    }

    [Fact]
    public async Task Groups_and_service_principals_are_named_by_their_display_name()
    {
        var (emulator, resolver) = await StartAsync();
        await using var _ = emulator;

        var group = await resolver.ResolveAsync(new QueryPrincipalName(ObjectId: ReadersGroup), CancellationToken.None);
        var application = await resolver.ResolveAsync(new QueryPrincipalName(DisplayName: "Dynamics 365 AI for Customer Insights"), CancellationToken.None);

        Assert.Equal(new QueryPrincipal(ReadersGroup, QueryPrincipalType.Group, "CI data readers", "CI data readers"), group);
        Assert.Equal(CustomerInsights, application.ObjectId);
        Assert.Equal(QueryPrincipalType.ServicePrincipal, application.Type);
    }

    [Fact]
    public async Task A_display_name_a_group_and_a_service_principal_share_is_refused_by_name_and_by_id()
    {
        var (emulator, resolver) = await StartAsync(s => s.Principals.Add(new EmulatorState.Principal
        {
            Id = "a1b2c3d4-0000-4000-8000-0000000000aa", Type = "ServicePrincipal", DisplayName = "CI data readers", AppId = "5e0c2f9b-7d1a-4c3e-9f2b-0000000000aa",
        }));
        await using var _ = emulator;

        var byName = await Assert.ThrowsAsync<CISynapseException>(() => resolver.ResolveAsync(new QueryPrincipalName(DisplayName: "CI data readers"), CancellationToken.None));
        var byId = await Assert.ThrowsAsync<CISynapseException>(() => resolver.ResolveAsync(new QueryPrincipalName(ObjectId: ReadersGroup), CancellationToken.None));

        Assert.Equal(ErrorIds.QueryPrincipalNameNotUnique, byName.ErrorId);
        Assert.Equal(ErrorIds.QueryPrincipalNameNotUnique, byId.ErrorId);
        Assert.Contains(ReadersGroup, byName.Message, StringComparison.Ordinal);
        Assert.Contains("a1b2c3d4-0000-4000-8000-0000000000aa", byName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_display_name_with_a_quote_is_escaped_in_the_filter()
    {
        var (emulator, resolver) = await StartAsync(s => s.Principals.Add(new EmulatorState.Principal { Id = "a1b2c3d4-0000-4000-8000-0000000000bb", Type = "Group", DisplayName = "O'Brien readers" }));
        await using var _ = emulator;

        var group = await resolver.ResolveAsync(new QueryPrincipalName(DisplayName: "O'Brien readers"), CancellationToken.None);

        Assert.Equal("a1b2c3d4-0000-4000-8000-0000000000bb", group.ObjectId);
    }

    [Theory]
    [InlineData("nobody@contoso.example", null, null)]
    [InlineData(null, "a1b2c3d4-0000-4000-8000-0000000000ff", null)]
    [InlineData(null, null, "No such group")]
    public async Task A_principal_the_tenant_lacks_is_QueryPrincipalNotFound(string? upn, string? id, string? displayName)
    {
        var (emulator, resolver) = await StartAsync();
        await using var _ = emulator;

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => resolver.ResolveAsync(new QueryPrincipalName(upn, id, displayName), CancellationToken.None));

        Assert.Equal(ErrorIds.QueryPrincipalNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
    }
}
