using System.Text;
using Azure.Core.Pipeline;
using AzureEmulator.Admin;
using AzureEmulator.Testing;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Connections;
using CustomerInsightsSynapse.Core.Diagnostics;
using CustomerInsightsSynapse.Core.Prerequisites;
using CustomerInsightsSynapse.Core.Tests.Prerequisites;
using CustomerInsightsSynapse.Core.Tests.TestInfrastructure;
using EmulatorState = AzureEmulator.State;
using static CustomerInsightsSynapse.Core.Tests.Prerequisites.PrerequisiteCheckerEmulatorTests;

namespace CustomerInsightsSynapse.Core.Tests.Contract;

/// <summary>
/// Contract tests: every request the module sends to the emulator while it validates a connection, tests the
/// prerequisites (default lake and linked-service lake, groups, a query group), repairs them, and resolves an export
/// run's targets and runs its prerequisite pass (the run's other traffic is Blob, to Azurite, and TDS), matched to an
/// operation of the official specifications in ../shared/fixtures/azure-rest-specs (method, path template,
/// api-version, query parameter names), with each request body and each emulator response body validated against the
/// operation's schemas. Microsoft Graph has no specification there: its requests are listed as documented on Learn.
/// The operations used, with counts, are kept in tests/AzureEmulator/README.md.
/// </summary>
public sealed class AzureContractTests
{
    private const string Sub = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string AccountId = $"/subscriptions/{Sub}/resourceGroups/rg-ci-synapse/providers/Microsoft.Storage/storageAccounts/cisynapselake";
    private const string User = "a1b2c3d4-0000-4000-8000-000000000011";
    private const string ReadersGroup = "a1b2c3d4-0000-4000-8000-000000000055";
    private const string QueryUser = "a1b2c3d4-0000-4000-8000-000000000044";
    private const string Start = "<!-- contract-operations:start -->";
    private const string End = "<!-- contract-operations:end -->";
    private static readonly Lazy<SpecCatalog> Catalog = new(() => new SpecCatalog(RepositoryPaths.SharedAzureRestSpecs));

    private static PrerequisiteTarget Target => new(Sub, "rg-ci-synapse", "ws-ci-export", AccountId, "customerinsights") { QueryUserObjectIds = [QueryUser, ReadersGroup] };

    private static AzureRestClient Arm(LocalEmulator emulator) =>
        new(emulator.ResourceManagerUrl, new ScopeTokenCredential(new Dictionary<string, string> { [emulator.ResourceManagerAudience] = emulator.Token(User, emulator.ResourceManagerAudience) }),
            emulator.ResourceManagerAudience, new AzureClientOptions { Transport = new HttpClientTransport(emulator.CreateHandler()), Retry = { MaxRetries = 0 } });

    /// <summary>The module's Azure conversations: validate, test, repair and test again, for two tenants.</summary>
    private static async Task<IReadOnlyList<RequestEntry>> RecordAsync()
    {
        var requests = new List<RequestEntry>();

        var prepared = PreparedTenant();
        prepared.Principals.Add(new EmulatorState.Principal { Id = "a1b2c3d4-0000-4000-8000-000000000057", Type = "Group", DisplayName = "CI services", Members = ["a1b2c3d4-0000-4000-8000-000000000022"] });
        prepared.RoleAssignments.RemoveAll(a => a.Description?.StartsWith("Workspace managed identity", StringComparison.Ordinal) == true);
        prepared.SynapseWorkspaces[0].RoleAssignments.RemoveAll(a => a.PrincipalId == "a1b2c3d4-0000-4000-8000-000000000022");
        prepared.DenyAssignments.Add(new EmulatorState.DenyAssignment
        {
            DenyAssignmentName = "Nobody deletes the subscription", Scope = $"/subscriptions/{Sub}",
            Permissions = [new EmulatorState.Permission { Actions = ["Microsoft.Resources/subscriptions/delete"] }],
            Principals = [new EmulatorState.DenyPrincipal { Id = "00000000-0000-0000-0000-000000000000", Type = "SystemDefined" }],
        });
        await using (var emulator = await LocalEmulator.StartAsync(prepared))
        {
            var connection = new ConnectionTarget(Sub, "rg-ci-synapse", "ws-ci-export", "rg-ci-synapse", "cisynapselake", "customerinsights");
            await new ConnectionValidator(Arm(emulator)).ValidateAsync(connection, OperationContext.None);
            var results = await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None);
            foreach (var failed in results.Where(r => r.CanRepair))
            {
                var outcome = await PrerequisiteAzureRulesTests.RepairerFor(emulator, User).RepairAsync(failed.Repair!, OperationContext.None);
                Assert.True(outcome.Status == RepairStatus.Created, outcome.Message);
            }

            Assert.All(await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None), r => Assert.True(r.Status == PrerequisiteStatus.Passed, $"{r.CheckId}: {r.Reason}"));

            // An export run resolves the lake container and the SQL endpoint of its connection from Resource Manager.
            var targets = new CustomerInsightsSynapse.Core.Export.ArmExportTargets(Arm(emulator));
            var definition = new ConnectionDefinition
            {
                Name = "contract", DisplayName = "contract", SubscriptionId = Sub, WorkspaceResourceId = Target.WorkspaceResourceId, WorkspaceName = "ws-ci-export",
                WorkspaceResourceGroupName = "rg-ci-synapse", StorageAccountResourceId = AccountId, StorageAccountName = "cisynapselake", StorageAccountResourceGroupName = "rg-ci-synapse",
                Container = "customerinsights", CreatedBy = User, CreatedOn = DateTimeOffset.UnixEpoch, ModifiedOn = DateTimeOffset.UnixEpoch,
            };
            Assert.Contains("customerinsights", (await targets.LakeContainerAsync(definition, CancellationToken.None)).ToString(), StringComparison.Ordinal);
            Assert.NotNull(await targets.SqlEndpointAsync(definition, CancellationToken.None));
            requests.AddRange(emulator.Host.Context.Requests.Snapshot());
        }

        var linked = PreparedTenant();
        linked.StorageAccounts.Add(new EmulatorState.StorageAccount
        {
            SubscriptionId = Sub, ResourceGroup = "rg-ci-synapse", Name = "otherlake", IsHnsEnabled = true, Containers = [new EmulatorState.BlobContainer { Name = "data" }],
        });
        linked.SynapseWorkspaces[0].DefaultDataLakeStorage = new EmulatorState.DataLakeStorage { AccountName = "otherlake", Filesystem = "data" };
        linked.SynapseWorkspaces[0].LinkedServices = [new EmulatorState.LinkedService { Name = "CustomerInsightsLake", AccountName = "cisynapselake", UrlAsExpression = true }];
        await using (var emulator = await LocalEmulator.StartAsync(linked))
        {
            Assert.All(await CheckerFor(emulator, User).TestAsync(Target, OperationContext.None), r => Assert.True(r.Status == PrerequisiteStatus.Passed, $"{r.CheckId}: {r.Reason}"));
            requests.AddRange(emulator.Host.Context.Requests.Snapshot());
        }

        return requests;
    }

    /// <summary>What the request calls: a specification operation, a Graph call, or a reason it matches none.</summary>
    internal static (string Key, string? Problem) Classify(SpecCatalog catalog, string method, string path, string query)
    {
        if (path.StartsWith("/graph/v1.0/", StringComparison.OrdinalIgnoreCase))
        {
            return ($"Graph {method} {GraphShape(path)}", null);
        }

        var dataPlane = path.StartsWith("/synapse/", StringComparison.OrdinalIgnoreCase);
        var specPath = dataPlane ? "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(2)) : path;
        var operation = catalog.Match(method, specPath, dataPlane);
        if (operation is null)
        {
            return (string.Empty, "matches no operation");
        }

        var parameters = query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => Uri.UnescapeDataString(p[0]), p => p.Length > 1 ? Uri.UnescapeDataString(p[1]) : string.Empty, StringComparer.Ordinal);
        if (!parameters.TryGetValue("api-version", out var version) || version != operation.ApiVersion)
        {
            return (string.Empty, $"calls {operation.OperationId} with api-version '{version}', which it defines for {operation.ApiVersion}");
        }

        var unknown = parameters.Keys.Where(k => !operation.QueryParameters.Contains(k)).ToArray();
        if (unknown.Length > 0)
        {
            return (string.Empty, $"calls {operation.OperationId} with query parameters it does not define: {string.Join(", ", unknown)}");
        }

        return ($"{operation.OperationId}|{operation.Method} {operation.PathTemplate}|{operation.ApiVersion}|{operation.File}", null);
    }

    /// <summary>A Graph path with its object ids replaced, e.g. "directoryObjects/{id}/getMemberGroups".</summary>
    private static string GraphShape(string path) =>
        string.Join('/', path["/graph/v1.0/".Length..].Split('/').Select(s => Guid.TryParse(s, out _) ? "{id}" : s));

    [Fact]
    public async Task Every_request_the_module_sends_is_an_operation_of_the_specifications_and_the_README_lists_them()
    {
        var requests = await RecordAsync();

        var classified = requests.Select(r => (Request: r, Result: Classify(Catalog.Value, r.Method, r.Path, r.Query))).ToArray();
        var unknown = classified.Where(c => c.Result.Problem is not null).Select(c => $"{c.Request.Method} {c.Request.Path}{c.Request.Query}: {c.Result.Problem}").Distinct().ToArray();
        Assert.True(unknown.Length == 0, "Requests that match no specification operation:\n" + string.Join("\n", unknown));

        var section = OperationsSection(classified.Select(c => c.Result.Key));
        var readmePath = Path.Combine(RepositoryPaths.Root, "tests", "AzureEmulator", "README.md");
        var readme = File.ReadAllText(readmePath);
        var current = readme.Contains(Start, StringComparison.Ordinal) ? readme[readme.IndexOf(Start, StringComparison.Ordinal)..(readme.IndexOf(End, StringComparison.Ordinal) + End.Length)] : null;
        if (Environment.GetEnvironmentVariable("CISYNAPSE_UPDATE_CONTRACT") == "1")
        {
            File.WriteAllText(readmePath, current is null ? readme.TrimEnd() + "\n\n" + section + "\n" : readme.Replace(current, section, StringComparison.Ordinal));
            return;
        }

        Assert.True(current == section, $"tests/AzureEmulator/README.md does not list the operations the module uses; run the test with CISYNAPSE_UPDATE_CONTRACT=1 to write:\n{section}");
    }

    [Fact]
    public async Task Every_request_body_and_every_response_body_matches_the_schema_of_its_operation()
    {
        var requests = await RecordAsync();
        var validator = new SchemaValidator(Catalog.Value);
        var problems = new List<string>();
        var validated = 0;
        foreach (var request in requests.Where(r => !r.Path.StartsWith("/graph/", StringComparison.OrdinalIgnoreCase)))
        {
            var dataPlane = request.Path.StartsWith("/synapse/", StringComparison.OrdinalIgnoreCase);
            var specPath = dataPlane ? "/" + string.Join('/', request.Path.Split('/', StringSplitOptions.RemoveEmptyEntries).Skip(2)) : request.Path;
            var operation = Catalog.Value.Match(request.Method, specPath, dataPlane)!;
            var shown = $"{request.Method} {request.Path}{request.Query} ({operation.OperationId}, {request.Status})";
            problems.AddRange(BodyProblems(validator, request.RequestBody, Catalog.Value.RequestSchema(operation), isRequest: true).Select(p => $"{shown} request {p}"));
            if (!Catalog.Value.DefinesStatus(operation, request.Status))
            {
                problems.Add($"{shown}: the specification defines no {request.Status} response");
                continue;
            }

            problems.AddRange(BodyProblems(validator, request.ResponseBody, Catalog.Value.ResponseSchema(operation, request.Status), isRequest: false).Select(p => $"{shown} response {p}"));
            validated++;
        }

        Assert.True(problems.Count == 0, "Bodies that do not match their schema:\n" + string.Join("\n", problems.Distinct()));
        Assert.True(validated > 20, $"{validated} responses validated");
    }

    private static IEnumerable<string> BodyProblems(SchemaValidator validator, string? body, (System.Text.Json.JsonElement Schema, string File)? schema, bool isRequest)
    {
        if (body is null || schema is null)
        {
            return [];
        }

        using var document = System.Text.Json.JsonDocument.Parse(body);
        return validator.Validate(document.RootElement, schema.Value.Schema, schema.Value.File, isRequest);
    }

    [Theory]
    [InlineData("{\"properties\":{\"networkAcls\":{\"defaultAction\":\"Sideways\"}}}", 200, "$.properties.networkAcls.defaultAction: 'Sideways' is not one of Allow, Deny")]
    [InlineData("{\"properties\":{\"isHnsEnabled\":\"yes\"}}", 200, "$.properties.isHnsEnabled: String where the schema asks for boolean")]
    public void A_body_that_breaks_its_schema_is_shown_with_the_path_and_the_problem(string body, int status, string problem)
    {
        var operation = Catalog.Value.Match("GET", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a", dataPlane: false)!;

        var problems = BodyProblems(new SchemaValidator(Catalog.Value), body, Catalog.Value.ResponseSchema(operation, status), isRequest: false).ToArray();

        Assert.Contains(problems, p => p.StartsWith(problem, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"error\":\"denied\"}", "$.error: String where the schema asks for object")]
    [InlineData("{\"error\":{\"code\":403}}", "$.error.code: Number where the schema asks for string")]
    public void An_error_body_must_have_the_Resource_Manager_error_shape(string body, string problem)
    {
        var operation = Catalog.Value.Match("GET", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Synapse/workspaces/w/firewallRules/AllowAllWindowsAzureIps", dataPlane: false)!;

        var problems = BodyProblems(new SchemaValidator(Catalog.Value), body, Catalog.Value.ResponseSchema(operation, 403), isRequest: false).ToArray();

        Assert.Contains(problem, problems);
    }

    [Fact]
    public void A_role_assignment_request_without_its_required_properties_is_refused_by_the_schema()
    {
        var operation = Catalog.Value.Match("PUT", "/subscriptions/s/providers/Microsoft.Authorization/roleAssignments/00000000-0000-0000-0000-000000000001", dataPlane: false)!;

        var problems = BodyProblems(new SchemaValidator(Catalog.Value), "{\"properties\":{\"principalId\":\"p\"}}", Catalog.Value.RequestSchema(operation), isRequest: true).ToArray();

        Assert.Contains("$.properties: the required property 'roleDefinitionId' is missing", problems);
    }

    [Theory]
    [InlineData("GET", "/subscriptions/s/resourcegroups", "?api-version=2021-04-01", "matches no operation")]
    [InlineData("GET", "/subscriptions/s/providers/Microsoft.Authorization/denyAssignments", "?api-version=2022-04-01&$filter=atScope()&$top=5", "query parameters it does not define: $top")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Synapse/workspaces/w", "?api-version=2019-06-01-preview", "with api-version '2019-06-01-preview'")]
    [InlineData("DELETE", "/synapse/w/linkedservices", "?api-version=2020-12-01", "matches no operation")]
    public void A_request_outside_the_specifications_is_shown_with_what_is_wrong(string method, string path, string query, string problem)
    {
        var (_, found) = Classify(Catalog.Value, method, path, query);

        Assert.NotNull(found);
        Assert.Contains(problem, found);
    }

    [Theory]
    [InlineData("GET", "/subscriptions/s/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7", "?api-version=2022-04-01", "RoleDefinitions_Get")]
    [InlineData("GET", "/subscriptions/s/resourceGroups/r/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c", "?api-version=2023-01-01", "BlobContainers_Get")]
    [InlineData("GET", "/synapse/w/roleAssignments", "?api-version=2020-12-01", "RoleAssignments_ListRoleAssignments")]
    public void A_request_is_matched_to_its_most_specific_operation(string method, string path, string query, string operationId)
    {
        var (key, problem) = Classify(Catalog.Value, method, path, query);

        Assert.Null(problem);
        Assert.StartsWith(operationId + "|", key);
    }

    private static string OperationsSection(IEnumerable<string> keys)
    {
        var counts = keys.GroupBy(k => k, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal).ToArray();
        var text = new StringBuilder();
        text.Append(Start).Append('\n');
        text.Append("Operations the module calls while it validates a connection, tests prerequisites (default and linked lake, groups, a query group),\n");
        text.Append("repairs them and resolves an export run's targets (the run's prerequisite pass is the same test; its other traffic is Blob and\n");
        text.Append("TDS), with how often, as `AzureContractTests` records them against the emulator (regenerate with `CISYNAPSE_UPDATE_CONTRACT=1`).\n");
        text.Append("Each is an operation of `../shared/fixtures/azure-rest-specs`, matched by method, path template, api-version and query\n");
        text.Append("parameter names, and each request and response body is validated against the operation's schema (required properties,\n");
        text.Append("types, closed enums, the error body shape). Microsoft Graph has no specification there: its calls are kept to the shapes\n");
        text.Append("documented on Learn.\n\n");
        text.Append("| operation | method and path | api-version | specification | requests |\n|---|---|---|---|---|\n");
        foreach (var group in counts.Where(g => !g.Key.StartsWith("Graph ", StringComparison.Ordinal)))
        {
            var parts = group.Key.Split('|');
            text.Append($"| `{parts[0]}` | `{parts[1]}` | {parts[2]} | `{Path.GetFileName(parts[3])}` | {group.Count()} |\n");
        }

        foreach (var group in counts.Where(g => g.Key.StartsWith("Graph ", StringComparison.Ordinal)))
        {
            var call = group.Key["Graph ".Length..];
            text.Append($"| Graph | `{call}` | v1.0 | Learn (no specification) | {group.Count()} |\n");
        }

        text.Append(End);
        return text.ToString();
    }
}
