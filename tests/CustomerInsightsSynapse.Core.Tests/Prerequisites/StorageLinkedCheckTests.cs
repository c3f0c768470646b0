using System.Text.Json;
using CustomerInsightsSynapse.Core.Azure;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class StorageLinkedCheckTests
{
    private const string Sub = "5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string Account = $"/subscriptions/{Sub}/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/lake";
    private static readonly PrerequisiteTarget Target = new(Sub, "rg", "ws", Account, "c");

    private static Outcome<WorkspaceResource> Workspace(string defaultLakeUrl) =>
        Outcome<WorkspaceResource>.Of(WorkspaceResource.FromJson(JsonDocument.Parse($$"""{ "properties": { "defaultDataLakeStorage": { "accountUrl": "{{defaultLakeUrl}}", "filesystem": "fs" } } }""").RootElement));

    private static Outcome<IReadOnlyList<JsonElement>> LinkedServices(params (string Name, string Type, string Url)[] services) =>
        Outcome<IReadOnlyList<JsonElement>>.Of(services
            .Select(s => JsonDocument.Parse($$"""{ "name": "{{s.Name}}", "properties": { "type": "{{s.Type}}", "typeProperties": { "url": "{{s.Url}}" } } }""").RootElement)
            .ToArray());

    private static PrerequisiteResult Check(Outcome<WorkspaceResource> workspace, Outcome<IReadOnlyList<JsonElement>>? linked) =>
        new PrerequisiteRules(Target, "lake").StorageLinked(workspace, linked);

    [Fact]
    public void The_default_lake_passes_without_reading_linked_services()
    {
        var result = Check(Workspace("https://lake.dfs.core.windows.net"), null);
        Assert.Equal(PrerequisiteStatus.Passed, result.Status);
    }

    [Fact]
    public void A_linked_service_for_the_account_passes()
    {
        var result = Check(Workspace("https://other.dfs.core.windows.net"), LinkedServices(("Other", "AzureSqlDatabase", "https://lake.dfs.core.windows.net"), ("Lake", "AzureBlobFS", "https://lake.dfs.core.windows.net/")));
        Assert.Equal(PrerequisiteStatus.Passed, result.Status);
        Assert.Contains("'Lake'", result.Reason);
    }

    [Fact]
    public void Neither_default_nor_linked_fails_without_a_repair()
    {
        var result = Check(Workspace("https://other.dfs.core.windows.net"), LinkedServices(("Other", "AzureBlobFS", "https://other2.dfs.core.windows.net/")));
        Assert.Equal(PrerequisiteStatus.Failed, result.Status);
        Assert.Null(result.Repair);
        Assert.Contains("none of its 1 linked services", result.Reason);
    }

    [Fact]
    public void Unreadable_linked_services_give_Unknown()
    {
        var result = Check(Workspace("https://other.dfs.core.windows.net"), Outcome<IReadOnlyList<JsonElement>>.Failed("403 Unauthorized", 403));
        Assert.Equal(PrerequisiteStatus.Unknown, result.Status);
        Assert.Contains("403 Unauthorized", result.Reason);
    }

    private static Outcome<IReadOnlyList<JsonElement>> LinkedServicesJson(params string[] typeProperties) =>
        Outcome<IReadOnlyList<JsonElement>>.Of(typeProperties
            .Select((t, i) => JsonDocument.Parse($$"""{ "name": "Link{{i}}", "properties": { "type": "AzureBlobStorage", "typeProperties": {{t}} } }""").RootElement)
            .ToArray());

    [Theory]
    [InlineData("""{ "url": { "type": "Expression", "value": "https://lake.dfs.core.windows.net/@{linkedService().folder}" } }""")]
    [InlineData("""{ "serviceEndpoint": { "type": "Expression", "value": "https://lake.blob.core.windows.net/" } }""")]
    [InlineData("""{ "connectionString": "DefaultEndpointsProtocol=https;AccountName=lake;AccountKey=c2VjcmV0;EndpointSuffix=core.windows.net" }""")]
    [InlineData("""{ "connectionString": { "type": "SecureString", "value": "BlobEndpoint=https://lake.blob.core.windows.net/;SharedAccessSignature=sv=x" } }""")]
    public void An_expression_url_or_a_connection_string_links_the_account(string typeProperties)
    {
        var result = Check(Workspace("https://other.dfs.core.windows.net"), LinkedServicesJson(typeProperties));
        Assert.Equal(PrerequisiteStatus.Passed, result.Status);
        Assert.DoesNotContain("c2VjcmV0", result.Reason);
    }

    [Theory]
    [InlineData("""{ "url": { "type": "Expression", "value": "https://@{linkedService().account}.dfs.core.windows.net/" } }""")]
    [InlineData("""{ "connectionString": "DefaultEndpointsProtocol=https;AccountName=other2;EndpointSuffix=core.windows.net" }""")]
    [InlineData("""{ "connectionString": { "type": "AzureKeyVaultSecret", "secretName": "lake" } }""")]
    public void An_expression_that_names_no_account_or_another_account_does_not_link_it(string typeProperties)
    {
        var result = Check(Workspace("https://other.dfs.core.windows.net"), LinkedServicesJson(typeProperties));
        Assert.Equal(PrerequisiteStatus.Failed, result.Status);
    }
}
