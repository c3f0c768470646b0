using global::Azure.Storage.Blobs;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Store;
using CustomerInsightsSynapse.Core.Tests.Store;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;

namespace CustomerInsightsSynapse.Core.Tests.Export;

/// <summary>
/// Issue 24 item 2: a database belongs to one export at a time, decided by a claim document made with the store's
/// create-only condition; released on remove, moved on rename, made late for exports saved before claims.
/// </summary>
public sealed class DatabaseClaimTests : IDisposable
{
    private const string Workspace = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2/resourceGroups/rg-ci/providers/Microsoft.Synapse/workspaces/ciws";

    private readonly ExportScenario _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public async Task Ten_concurrent_creates_of_one_database_in_a_local_store_give_one_export_and_nine_DatabaseNameInUse()
    {
        var outcomes = await RaceAsync(10, i => _s.Service.CreateAsync(_s.Request($"Export{i}", ExportScenario.Everyone, "CustomerInsights"), ExportScenario.Admin, OperationContext.None));

        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Contains(o!.ErrorId, new[] { ErrorIds.DatabaseNameInUse, ErrorIds.DatabaseOwnerUnknown }));
        var survivor = Assert.Single(_s.ExportFiles());
        var claim = await new DatabaseClaims(_s.Store).GetAsync(Workspace, "customerinsights", default);
        Assert.Equal(survivor, claim!.ExportName.ToLowerInvariant() + ".json");
    }

    [Fact]
    public async Task Ten_concurrent_claimers_in_a_local_store_have_one_winner()
    {
        await AssertOneWinnerAsync(() => _s.Store);
    }

    [Fact]
    public async Task Removing_an_export_releases_its_claim_so_the_database_can_be_given_again()
    {
        var sales = await _s.CreateAsync(_s.Request("Sales"));
        Assert.Equal(sales.Content.ExportId, (await Claims().GetAsync(Workspace, "CustomerInsights", default))!.ExportId);

        await _s.Service.RemoveAsync(await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales"), ExportScenario.Admin, OperationContext.None), OperationContext.None);

        Assert.Null(await Claims().GetAsync(Workspace, "CustomerInsights", default));
        var again = await _s.CreateAsync(_s.Request("Sales"));
        Assert.NotEqual(sales.Content.ExportId, again.Content.ExportId);
        Assert.Equal(again.Content.ExportId, (await Claims().GetAsync(Workspace, "customerinsights", default))!.ExportId);
    }

    [Fact]
    public async Task A_claim_left_by_a_removal_that_stopped_halfway_is_taken_over()
    {
        var sales = await _s.CreateAsync(_s.Request("Sales"));
        await _s.Store.DeleteAsync(ExportService.Kind, "Sales", sales.Revision, default);

        await _s.CreateAsync(_s.Request("Finance"));

        Assert.Equal("Finance", (await Claims().GetAsync(Workspace, "CustomerInsights", default))!.ExportName);
    }

    [Fact]
    public async Task Renaming_the_database_claims_the_new_one_and_releases_the_old()
    {
        var sales = await _s.CreateAsync(_s.Request("Sales", database: "Old"));

        await _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "New" });

        Assert.Null(await Claims().GetAsync(Workspace, "Old", default));
        Assert.Equal(sales.Content.ExportId, (await Claims().GetAsync(Workspace, "New", default))!.ExportId);
        await _s.CreateAsync(_s.Request("Finance", database: "Old"));
        Assert.Equal("Finance", (await Claims().GetAsync(Workspace, "Old", default))!.ExportName);
    }

    [Fact]
    public async Task A_rename_refused_by_the_claim_of_another_export_changes_nothing()
    {
        var sales = await _s.CreateAsync(_s.Request("Sales", database: "Old"));
        await Claims().ClaimAsync("Elsewhere", "0123456789abcdef", Workspace, "Taken", null, default);
        await _s.StoreDirectlyAsync((await _s.StoredAsync("Sales")) with { Name = "Elsewhere", ExportId = "0123456789abcdef", DatabaseName = "Taken", ConnectionName = "Gone" });

        var refused = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "Taken" }));

        Assert.Equal(ErrorIds.DatabaseNameInUse, refused.ErrorId);
        Assert.Equal("Old", (await _s.StoredAsync("Sales")).DatabaseName);
        Assert.Equal(sales.Content.ExportId, (await Claims().GetAsync(Workspace, "Old", default))!.ExportId);
        Assert.Equal("Elsewhere", (await Claims().GetAsync(Workspace, "Taken", default))!.ExportName);
    }

    [Fact]
    public async Task A_rename_whose_save_fails_gives_back_the_new_database_and_keeps_the_old()
    {
        var sales = await _s.CreateAsync(_s.Request("Sales", database: "Old"));

        var stale = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "New", ExpectedRevision = sales.Revision + 5 }));

        Assert.Equal(ErrorIds.StoreConflict, stale.ErrorId);
        Assert.Null(await Claims().GetAsync(Workspace, "New", default));
        Assert.Equal(sales.Content.ExportId, (await Claims().GetAsync(Workspace, "Old", default))!.ExportId);
    }

    [Fact]
    public async Task An_export_saved_before_claims_is_given_an_id_and_a_claim_on_its_next_save_and_keeps_others_out()
    {
        var legacy = await LegacyAsync("Legacy", "CustomerInsights");

        var saved = await _s.UpdateAsync(new ExportChange("Legacy") { DisplayName = "Legacy, saved again" });

        Assert.NotNull(saved.Content.ExportId);
        Assert.Equal(saved.Content.ExportId, (await Claims().GetAsync(Workspace, "CustomerInsights", default))!.ExportId);
        Assert.Null(legacy.ExportId);
    }

    [Fact]
    public async Task Of_two_exports_saved_before_claims_on_one_database_the_first_to_claim_keeps_it()
    {
        await LegacyAsync("First", "Shared");
        await LegacyAsync("Second", "Shared");

        await _s.UpdateAsync(new ExportChange("First") { DisplayName = "first" });
        var refused = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Second") { DisplayName = "second" }));

        Assert.Equal(ErrorIds.DatabaseNameInUse, refused.ErrorId);
        Assert.Contains("'First'", refused.Message, StringComparison.Ordinal);
        Assert.Equal("Second", (await _s.StoredAsync("Second")).DisplayName);
    }

    [Fact]
    public void Claims_are_keyed_without_regard_to_case_and_per_workspace()
    {
        Assert.Equal(DatabaseClaims.KeyFor(Workspace, "Sales"), DatabaseClaims.KeyFor(Workspace.ToUpperInvariant(), "SALES"));
        Assert.NotEqual(DatabaseClaims.KeyFor(Workspace, "Sales"), DatabaseClaims.KeyFor(Workspace + "2", "Sales"));
        Assert.NotEqual(DatabaseClaims.KeyFor(Workspace, "Sales"), DatabaseClaims.KeyFor(Workspace, "Sales2"));
    }

    private DatabaseClaims Claims() => new(_s.Store);

    private async Task<ExportDefinition> LegacyAsync(string name, string database)
    {
        var legacy = new ExportDefinition
        {
            Name = name,
            DisplayName = name,
            ConnectionName = ExportScenario.Everyone,
            Source = _s.Source,
            DatabaseName = database,
            Entities = ["Customer"],
            CreatedBy = ExportScenario.Admin.ObjectId,
            CreatedOn = _s.Clock.Now,
            ModifiedOn = _s.Clock.Now,
        };
        await _s.StoreDirectlyAsync(legacy);
        return legacy;
    }

    /// <summary>Starts <paramref name="count"/> attempts at once; each comes back as null (it succeeded) or its error.</summary>
    internal static async Task<CISynapseException?[]> RaceAsync(int count, Func<int, Task> attempt)
    {
        using var start = new ManualResetEventSlim();
        var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await attempt(i);
                return null;
            }
            catch (CISynapseException ex)
            {
                return ex;
            }
        })).ToArray();
        start.Set();
        return await Task.WhenAll(tasks);
    }

    /// <summary>Ten exports (each saved, so none looks abandoned) claim one database at once: exactly one gets it.</summary>
    internal static async Task AssertOneWinnerAsync(Func<DefinitionStore> open)
    {
        var store = open();
        for (var i = 0; i < 10; i++)
        {
            await store.CreateAsync(ExportService.Kind, $"Claimer{i}", new ExportDefinition
            {
                Name = $"Claimer{i}",
                ExportId = $"id{i}",
                DisplayName = "claimer",
                ConnectionName = "c",
                Source = "/cdm",
                DatabaseName = "Shared",
                Entities = ["Customer"],
                CreatedBy = "oid",
                CreatedOn = DateTimeOffset.UnixEpoch,
                ModifiedOn = DateTimeOffset.UnixEpoch,
            }, "oid", default);
        }

        var outcomes = await RaceAsync(10, i => new DatabaseClaims(open()).ClaimAsync($"Claimer{i}", $"id{i}", Workspace, "Shared", "oid", default));

        var winner = Array.FindIndex(outcomes, o => o is null);
        Assert.Single(outcomes, o => o is null);
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Equal(ErrorIds.DatabaseNameInUse, o!.ErrorId));
        Assert.All(outcomes.Where(o => o is not null), o => Assert.Contains($"'Claimer{winner}'", o!.Message, StringComparison.Ordinal));
        Assert.Equal($"id{winner}", (await new DatabaseClaims(open()).GetAsync(Workspace, "shared", default))!.ExportId);
        Assert.False(await new DatabaseClaims(open()).ClaimAsync($"Claimer{winner}", $"id{winner}", Workspace, "SHARED", "oid", default));

        await new DatabaseClaims(open()).ReleaseAsync("id-of-no-one", Workspace, "Shared", default);
        Assert.NotNull(await new DatabaseClaims(open()).GetAsync(Workspace, "Shared", default));
        await new DatabaseClaims(open()).ReleaseAsync($"id{winner}", Workspace, "Shared", default);
        Assert.Null(await new DatabaseClaims(open()).GetAsync(Workspace, "Shared", default));
    }
}

/// <summary>The same claim race on a Blob container store, where the create-only condition is If-None-Match: *.</summary>
[Collection(AzuriteCollection.Name)]
public sealed class BlobDatabaseClaimTests(AzuriteFixture azurite)
{
    [Fact]
    public async Task Ten_concurrent_claimers_in_a_blob_store_have_one_winner()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("claims-" + Guid.NewGuid().ToString("N")[..12]);
        await container.CreateAsync();
        var url = container.Uri.AbsoluteUri.TrimEnd('/');
        var factory = new BlobClientFactory(new global::Azure.Storage.StorageSharedKeyCredential(AzuriteFixture.AccountName, AzuriteFixture.AccountKey), BlobClientFactory.DefaultOptions());

        await DatabaseClaimTests.AssertOneWinnerAsync(() => new DefinitionStore(new BlobContainerBackend(BlobLocation.Parse(url), factory)));
    }
}
