using System.Text.Json;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Export;
using CustomerInsightsSynapse.Core.Sql;
using CustomerInsightsSynapse.Core.Store;

namespace CustomerInsightsSynapse.Core.Tests.Export;

public sealed class ExportServiceTests : IDisposable
{
    private readonly ExportScenario _s = new();

    public void Dispose() => _s.Dispose();

    [Fact]
    public async Task Saving_an_export_stores_connection_names_database_and_entities_and_runs_nothing()
    {
        var created = await _s.CreateAsync(_s.Request(entities: ["UnifiedActivity", "customer"]) with { QueryAccess = QueryAccessMode.WorkspaceIdentity, Deployment = DeploymentMode.ScriptOnly });

        var stored = await _s.StoredAsync("sales");
        Assert.Equal(1, created.Revision);
        Assert.Equal("Sales", stored.Name);
        Assert.Equal("Sales export", stored.DisplayName);
        Assert.Equal(ExportScenario.Everyone, stored.ConnectionName);
        Assert.Equal(_s.Source, stored.Source);
        Assert.Equal("CustomerInsights", stored.DatabaseName);
        Assert.Equal(["Customer", "UnifiedActivity"], stored.Entities);
        Assert.Equal(QueryAccessMode.WorkspaceIdentity, stored.QueryAccess);
        Assert.Equal(DeploymentMode.ScriptOnly, stored.Deployment);
        Assert.Equal(_s.Clock.Now, stored.DatabaseSince);
        Assert.Equal(_s.Clock.Now, stored.CreatedOn);
        Assert.Equal(ExportScenario.Admin.ObjectId, stored.CreatedBy);
        Assert.Empty(stored.RemovedEntities);
        Assert.Empty(stored.FormerDatabases);
        Assert.Equal(["sales.json"], _s.ExportFiles());
    }

    [Fact]
    public async Task The_document_names_its_connection_where_Remove_CISynapseConnection_looks_for_it()
    {
        await _s.CreateAsync(_s.Request());

        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_s.StorePath, DocumentFolders.Exports, "sales.json")));
        var content = document.RootElement.GetProperty("content");
        Assert.Equal(ExportScenario.Everyone, content.GetProperty(DocumentFolders.ExportConnectionNameProperty).GetString());
        Assert.Equal("CallerIdentity", content.GetProperty("queryAccess").GetString());
        var usage = await new Core.Connections.ConnectionService(_s.Store, null).FindUsageAsync(ExportScenario.Everyone, default);
        Assert.Equal(["Sales"], usage.Exports);
    }

    [Fact]
    public async Task Wildcards_are_expanded_at_save_time_in_source_order_and_duplicates_collapse()
    {
        await _s.CreateAsync(_s.Request(entities: ["Segment_*", "Customer", "segment_churn", "C?stomer", "[CU]*"]));

        Assert.Equal(["Customer", "UnifiedActivity", "Segment_HighValue", "Segment_Churn", "Contact"], (await _s.StoredAsync("Sales")).Entities);
    }

    [Fact]
    public async Task Names_and_patterns_that_match_nothing_are_all_listed_and_nothing_is_stored()
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(entities: ["Customer", "Nope", "Zz*"])));

        Assert.Equal(ErrorIds.EntityNotFound, ex.ErrorId);
        Assert.Contains("'Nope'", ex.Message);
        Assert.Contains("'Zz*'", ex.Message);
        Assert.DoesNotContain("'Customer'", ex.Message[..ex.Message.IndexOf("Its entities", StringComparison.Ordinal)]);
        Assert.Empty(_s.ExportFiles());
    }

    [Fact]
    public async Task An_unknown_connection_is_refused_and_nothing_is_stored()
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(connection: "Missing")));

        Assert.Equal(ErrorIds.ConnectionNotFound, ex.ErrorId);
        Assert.Empty(_s.ExportFiles());
    }

    public static TheoryData<string, string> BadDatabaseNames => new()
    {
        { string.Empty, ErrorIds.DatabaseNameLength },
        { new string('d', 129), ErrorIds.DatabaseNameLength },
        { "Customer Insights", ErrorIds.DatabaseNameCharacters },
        { "1sales", ErrorIds.DatabaseNameCharacters },
        { "_sales", ErrorIds.DatabaseNameCharacters },
        { "sales/eu", ErrorIds.DatabaseNameCharacters },
        { "sales*", ErrorIds.DatabaseNameCharacters },
        { "sales]", ErrorIds.DatabaseNameCharacters },
        { "sales.", ErrorIds.DatabaseNameCharacters },
        { "säles", ErrorIds.DatabaseNameCharacters },
        { "master", ErrorIds.DatabaseNameReserved },
        { "TempDB", ErrorIds.DatabaseNameReserved },
        { "model", ErrorIds.DatabaseNameReserved },
        { "msdb", ErrorIds.DatabaseNameReserved },
        { "default", ErrorIds.DatabaseNameReserved },
    };

    [Theory]
    [MemberData(nameof(BadDatabaseNames))]
    public async Task Each_database_name_rule_has_its_own_error_id_and_nothing_is_stored(string database, string errorId)
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(database: database)));

        Assert.Equal(errorId, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidArgument, ex.Kind);
        Assert.Empty(_s.ExportFiles());
    }

    [Theory]
    [InlineData("a")]
    [InlineData("CustomerInsights")]
    [InlineData("ci_sales-2024")]
    public async Task Names_inside_the_rules_are_accepted(string database)
    {
        await _s.CreateAsync(_s.Request(database: database));

        Assert.Equal(database, (await _s.StoredAsync("Sales")).DatabaseName);
    }

    [Fact]
    public async Task The_longest_accepted_database_name_is_128_characters()
    {
        var name = "d" + new string('x', 127);
        await _s.CreateAsync(_s.Request(database: name));

        Assert.Equal(name, (await _s.StoredAsync("Sales")).DatabaseName);
    }

    [Fact]
    public async Task Two_exports_of_one_connection_cannot_feed_one_database()
    {
        await _s.CreateAsync(_s.Request("Sales", ExportScenario.Everyone, "CustomerInsights"));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request("Marketing", ExportScenario.Everyone, "customerinsights")));

        Assert.Equal(ErrorIds.DatabaseNameInUse, ex.ErrorId);
        Assert.Contains("'Sales'", ex.Message);
        Assert.Equal(["sales.json"], _s.ExportFiles());
    }

    [Theory]
    [InlineData("ciws", "otherlake", "exports", true)]
    [InlineData("otherws", "cistorage", "exports", true)]
    [InlineData("otherws", "cistorage", "archive", false)]
    [InlineData("otherws", "otherlake", "exports", false)]
    public async Task Exports_of_connections_sharing_the_workspace_or_the_container_cannot_feed_one_database(string workspace, string account, string container, bool refused)
    {
        _s.AddConnection("Second", Core.Connections.ConnectionUsableBy.Administrators, container, account, workspace);
        await _s.CreateAsync(_s.Request("Sales", ExportScenario.Everyone, "CustomerInsights"));

        var attempt = () => _s.CreateAsync(_s.Request("Finance", "Second", "CustomerInsights"));

        if (refused)
        {
            Assert.Equal(ErrorIds.DatabaseNameInUse, (await Assert.ThrowsAsync<CISynapseException>(attempt)).ErrorId);
            Assert.Equal(["sales.json"], _s.ExportFiles());
        }
        else
        {
            await attempt();
            Assert.Equal(["finance.json", "sales.json"], _s.ExportFiles());
        }
    }

    [Fact]
    public async Task Wildcards_that_leave_nothing_selected_are_refused()
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(entities: [" "])));

        Assert.Equal(ErrorIds.ExportHasNoEntities, ex.ErrorId);
        Assert.Empty(_s.ExportFiles());
    }

    [Fact]
    public async Task A_second_export_with_the_same_name_is_refused()
    {
        await _s.CreateAsync(_s.Request("Sales"));

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request("SALES", database: "Other")));

        Assert.Equal(ErrorIds.ExportExists, ex.ErrorId);
        Assert.Equal("CustomerInsights", (await _s.StoredAsync("Sales")).DatabaseName);
    }

    [Fact]
    public async Task A_contributor_creates_exports_only_on_connections_usable_by_contributors()
    {
        var refused = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request("Mine", ExportScenario.AdminsOnly), ExportScenario.Contributor));
        Assert.Empty(_s.ExportFiles());

        await _s.CreateAsync(_s.Request("Mine", ExportScenario.Everyone), ExportScenario.Contributor);

        Assert.Equal(ErrorIds.RoleRequired, refused.ErrorId);
        Assert.Equal(ErrorKind.PermissionDenied, refused.Kind);
        Assert.Equal(ExportScenario.Contributor.ObjectId, (await _s.StoredAsync("Mine")).CreatedBy);
    }

    [Theory]
    [InlineData("viewer")]
    [InlineData("stranger")]
    public async Task Viewers_and_principals_without_a_role_create_no_exports(string who)
    {
        var caller = who == "viewer" ? ExportScenario.Viewer : ExportScenario.Stranger;

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.CreateAsync(_s.Request(), caller));

        Assert.Equal(ErrorIds.RoleRequired, ex.ErrorId);
        Assert.Empty(_s.ExportFiles());
    }

    [Fact]
    public async Task Changing_or_removing_an_export_needs_the_same_role_as_creating_it()
    {
        await _s.CreateAsync(_s.Request("Admins", ExportScenario.AdminsOnly));

        var set = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Admins") { DisplayName = "Mine now" }, ExportScenario.Contributor));
        var remove = await Assert.ThrowsAsync<CISynapseException>(() => _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Admins"), ExportScenario.Contributor, OperationContext.None));

        Assert.Equal(ErrorIds.RoleRequired, set.ErrorId);
        Assert.Equal(ErrorIds.RoleRequired, remove.ErrorId);
        Assert.Equal("Admins export", (await _s.StoredAsync("Admins")).DisplayName);
    }

    [Fact]
    public async Task Any_role_reads_exports_and_a_principal_without_one_does_not()
    {
        await _s.CreateAsync(_s.Request());

        var listing = await _s.Service.ListAsync(ExportScenario.Viewer, default);
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.Service.GetAsync("Sales", ExportScenario.Stranger, default));

        Assert.Equal(["Sales"], listing.Documents.Select(d => d.Name));
        Assert.Equal(ErrorIds.RoleRequired, ex.ErrorId);
    }

    [Fact]
    public async Task Updating_walks_the_documented_history()
    {
        var created = _s.Clock.Now;
        await _s.CreateAsync(_s.Request(entities: ["Customer", "UnifiedActivity"]));

        // Add an entity: it takes its place in the source's order.
        var added = _s.Clock.Advance(TimeSpan.FromHours(1));
        await _s.UpdateAsync(new ExportChange("Sales") { AddEntities = ["Contact", "Segment_H*"] });
        var afterAdd = await _s.StoredAsync("Sales");
        Assert.Equal(["Customer", "UnifiedActivity", "Segment_HighValue", "Contact"], afterAdd.Entities);
        Assert.Equal(added, afterAdd.ModifiedOn);
        Assert.Empty(afterAdd.RemovedEntities);

        // Remove one: it is remembered with when and from which database.
        var removed = _s.Clock.Advance(TimeSpan.FromHours(1));
        await _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["unifiedactivity"] });
        var afterRemove = await _s.StoredAsync("Sales");
        Assert.Equal(["Customer", "Segment_HighValue", "Contact"], afterRemove.Entities);
        Assert.Equal([new RemovedEntity("UnifiedActivity", "CustomerInsights", removed)], afterRemove.RemovedEntities);

        // Change the database: the old one is a former database from creation until now.
        var moved = _s.Clock.Advance(TimeSpan.FromHours(1));
        await _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "CustomerInsights2" });
        var afterMove = await _s.StoredAsync("Sales");
        Assert.Equal("CustomerInsights2", afterMove.DatabaseName);
        Assert.Equal(moved, afterMove.DatabaseSince);
        Assert.Equal([new FormerDatabase("CustomerInsights", created, moved)], afterMove.FormerDatabases);
        Assert.Equal(afterRemove.Entities, afterMove.Entities);

        // Removing now records the new database; adding a removed entity back takes it out of the history.
        var later = _s.Clock.Advance(TimeSpan.FromHours(1));
        await _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["Contact"], AddEntities = ["UnifiedActivity"] });
        var final = await _s.StoredAsync("Sales");
        Assert.Equal(["Customer", "UnifiedActivity", "Segment_HighValue"], final.Entities);
        Assert.Equal([new RemovedEntity("Contact", "CustomerInsights2", later)], final.RemovedEntities);
        Assert.Equal(afterMove.FormerDatabases, final.FormerDatabases);
        Assert.Equal(created, final.CreatedOn);
        Assert.Equal(5, (await _s.Store.GetAsync(ExportService.Kind, "Sales", default))!.Revision);
    }

    [Fact]
    public async Task Replacing_the_selection_records_what_left_it()
    {
        await _s.CreateAsync(_s.Request(entities: ["Customer", "UnifiedActivity", "Contact"]));
        var when = _s.Clock.Advance(TimeSpan.FromMinutes(5));

        await _s.UpdateAsync(new ExportChange("Sales") { Entities = ["Segment_*", "Customer"] });

        var stored = await _s.StoredAsync("Sales");
        Assert.Equal(["Customer", "Segment_HighValue", "Segment_Churn"], stored.Entities);
        Assert.Equal(
            [new RemovedEntity("UnifiedActivity", "CustomerInsights", when), new RemovedEntity("Contact", "CustomerInsights", when)],
            stored.RemovedEntities);
    }

    [Fact]
    public async Task A_display_name_change_keeps_everything_else()
    {
        await _s.CreateAsync(_s.Request());

        await _s.UpdateAsync(new ExportChange("Sales") { DisplayName = "  Sales to Synapse " });

        var stored = await _s.StoredAsync("Sales");
        Assert.Equal("Sales to Synapse", stored.DisplayName);
        Assert.Equal(["Customer", "UnifiedActivity"], stored.Entities);
        Assert.Empty(stored.FormerDatabases);
    }

    [Fact]
    public async Task Removing_an_entity_the_export_does_not_select_is_refused()
    {
        await _s.CreateAsync(_s.Request());

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["Contact"] }));

        Assert.Equal(ErrorIds.EntityNotInExport, ex.ErrorId);
        Assert.Equal(1, (await _s.Store.GetAsync(ExportService.Kind, "Sales", default))!.Revision);
    }

    [Fact]
    public async Task Adding_an_entity_the_source_does_not_have_is_refused()
    {
        await _s.CreateAsync(_s.Request());

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { AddEntities = ["Orders"] }));

        Assert.Equal(ErrorIds.EntityNotFound, ex.ErrorId);
        Assert.Equal(1, (await _s.Store.GetAsync(ExportService.Kind, "Sales", default))!.Revision);
    }

    [Fact]
    public async Task Removing_every_entity_is_refused()
    {
        await _s.CreateAsync(_s.Request());

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { RemoveEntities = ["*"] }));

        Assert.Equal(ErrorIds.ExportHasNoEntities, ex.ErrorId);
        Assert.Equal(["Customer", "UnifiedActivity"], (await _s.StoredAsync("Sales")).Entities);
    }

    [Fact]
    public async Task A_new_database_name_follows_the_rules()
    {
        await _s.CreateAsync(_s.Request("Sales", database: "CustomerInsights"));
        await _s.CreateAsync(_s.Request("Other", database: "Taken"));

        var reserved = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "msdb" }));
        var taken = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "TAKEN" }));
        var caseOnly = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { DatabaseName = "customerinsights" }));

        Assert.Equal(ErrorIds.DatabaseNameReserved, reserved.ErrorId);
        Assert.Equal(ErrorIds.DatabaseNameInUse, taken.ErrorId);
        Assert.Equal(ErrorIds.DatabaseNameCaseChange, caseOnly.ErrorId);
        var stored = await _s.StoredAsync("Sales");
        Assert.Equal("CustomerInsights", stored.DatabaseName);
        Assert.Empty(stored.FormerDatabases);
    }

    [Fact]
    public async Task A_change_based_on_a_stale_revision_is_refused()
    {
        await _s.CreateAsync(_s.Request());
        await _s.UpdateAsync(new ExportChange("Sales") { DisplayName = "Changed by someone else" });

        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Sales") { ExpectedRevision = 1, AddEntities = ["Contact"] }));

        Assert.Equal(ErrorIds.StoreConflict, ex.ErrorId);
        Assert.Equal(["Customer", "UnifiedActivity"], (await _s.StoredAsync("Sales")).Entities);
    }

    [Fact]
    public async Task Changing_an_unknown_export_names_it()
    {
        var ex = await Assert.ThrowsAsync<CISynapseException>(() => _s.UpdateAsync(new ExportChange("Ghost") { DisplayName = "x" }));

        Assert.Equal(ErrorIds.ExportNotFound, ex.ErrorId);
    }

    [Fact]
    public async Task Removing_without_purge_deletes_only_the_definition()
    {
        await _s.CreateAsync(_s.Request());

        var plan = await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Sales"), ExportScenario.Admin, OperationContext.None);
        var result = await _s.Service.RemoveAsync(plan, OperationContext.None);

        Assert.Empty(plan.BlobPrefixes);
        Assert.Empty(plan.Scripts);
        Assert.Empty(result.DeletedBlobs);
        Assert.Empty(_s.ExportFiles());
    }

    [Fact]
    public async Task An_export_whose_connection_is_gone_can_be_removed_by_an_administrator_but_not_purged()
    {
        await _s.CreateAsync(_s.Request("Orphan", ExportScenario.Everyone));
        var connection = await _s.Store.GetAsync(Core.Connections.ConnectionService.Kind, ExportScenario.Everyone, default);
        await _s.Store.DeleteAsync(Core.Connections.ConnectionService.Kind, ExportScenario.Everyone, connection!.Revision, default);

        var contributor = await Assert.ThrowsAsync<CISynapseException>(() => _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Orphan"), ExportScenario.Contributor, OperationContext.None));
        var purge = await Assert.ThrowsAsync<CISynapseException>(() => _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Orphan") { RemoveLandedData = true }, ExportScenario.Admin, OperationContext.None));
        await _s.Service.RemoveAsync(await _s.Service.PlanRemovalAsync(new ExportRemovalRequest("Orphan"), ExportScenario.Admin, OperationContext.None), OperationContext.None);

        Assert.Equal(ErrorIds.RoleRequired, contributor.ErrorId);
        Assert.Equal(ErrorIds.ConnectionNotFound, purge.ErrorId);
        Assert.Empty(_s.ExportFiles());
    }
}
