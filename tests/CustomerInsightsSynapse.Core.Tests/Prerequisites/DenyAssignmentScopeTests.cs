using System.Text.Json;
using CustomerInsightsSynapse.Core.Prerequisites;

namespace CustomerInsightsSynapse.Core.Tests.Prerequisites;

public sealed class DenyAssignmentScopeTests
{
    private const string Subscription = "/subscriptions/5f1c3a7e-2b4d-4c6e-8a9b-0000000000b2";
    private const string Container = Subscription + "/resourceGroups/rg/providers/Microsoft.Storage/storageAccounts/a/blobServices/default/containers/c";

    private static DenyAssignment Parse(string scope, bool doNotApplyToChildScopes)
    {
        var json = $$"""
            { "id": "{{scope}}/providers/Microsoft.Authorization/denyAssignments/d1", "name": "d1",
              "properties": { "denyAssignmentName": "Block writes", "scope": "{{scope}}", "doNotApplyToChildScopes": {{(doNotApplyToChildScopes ? "true" : "false")}},
                "permissions": [ { "dataActions": [ "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/write" ] } ],
                "principals": [ { "id": "00000000-0000-0000-0000-000000000000", "type": "SystemDefined" } ], "excludePrincipals": [] } }
            """;
        using var doc = JsonDocument.Parse(json);
        return DenyAssignment.FromJson(doc.RootElement);
    }

    [Fact]
    public void Reads_scope_and_doNotApplyToChildScopes()
    {
        var deny = Parse(Subscription, true);
        Assert.Equal(Subscription, deny.Scope);
        Assert.True(deny.DoNotApplyToChildScopes);
        Assert.Equal("Block writes", deny.Name);
    }

    [Fact]
    public void A_parent_deny_that_skips_child_scopes_does_not_apply_below()
    {
        Assert.False(Parse(Subscription, true).AppliesAt(Container));
        Assert.True(Parse(Subscription, true).AppliesAt(Subscription + "/"));
    }

    [Fact]
    public void A_parent_deny_that_reaches_child_scopes_applies_below()
    {
        Assert.True(Parse(Subscription, false).AppliesAt(Container));
        Assert.True(Parse(Container, true).AppliesAt(Container));
    }
}
