using System.Text.Json.Nodes;
using AzureEmulator.State;
using static AzureEmulator.Tests.TestEmulator;

namespace AzureEmulator.Tests;

public sealed class PagingTests
{
    private static Scenario ManyAssignments(int count)
    {
        var s = BaseScenario();
        for (var i = 0; i < count; i++)
        {
            var id = $"bbbbbbbb-0000-4000-8000-{i:D12}";
            s.Principals.Add(new Principal { Id = id, Type = "User", DisplayName = $"User {i}" });
            s.RoleAssignments.Add(new RoleAssignment { Scope = AccountScope, RoleName = "Storage Blob Data Reader", PrincipalId = id });
        }

        return s;
    }

    private static async Task<List<int>> FollowAsync(TestEmulator emu, string first, HashSet<string> names)
    {
        var sizes = new List<int>();
        string? next = first;
        while (next is not null)
        {
            using var response = await emu.ArmGetAsync(next);
            Assert.Equal(200, (int)response.StatusCode);
            var json = await JsonAsync(response);
            var page = json["value"]!.AsArray();
            sizes.Add(page.Count);
            foreach (var a in page)
            {
                Assert.True(names.Add(a!["name"]!.GetValue<string>()), "an assignment appeared on two pages");
            }

            next = json["nextLink"]?.GetValue<string>();
            Assert.True(next is null || next.StartsWith(emu.BaseUrl.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal));
        }

        return sizes;
    }

    [Fact]
    public async Task MoreThan100AssignmentsArePagedWithNextLink()
    {
        await using var emu = await StartAsync(ManyAssignments(250));
        var names = new HashSet<string>();

        var sizes = await FollowAsync(emu, RoleAssignments(AccountScope, "atScope()"), names);

        // 250 readers + the data-only user's assignment + the admin's Owner on the subscription.
        Assert.Equal([100, 100, 52], sizes);
        Assert.Equal(252, names.Count);
    }

    [Fact]
    public async Task AdminPageSizeForcesSmallPagesAndKeepsTheFilter()
    {
        await using var emu = await StartAsync(ManyAssignments(5));
        await emu.AdminAsync(HttpMethod.Put, "options", new JsonObject { ["pageSize"] = 2 });
        var names = new HashSet<string>();

        var sizes = await FollowAsync(emu, RoleAssignments(AccountScope, $"principalId eq 'bbbbbbbb-0000-4000-8000-000000000003'"), names);

        Assert.Equal([1], sizes);
        var all = await FollowAsync(emu, RoleAssignments(AccountScope, "atScope()"), []);
        Assert.Equal([2, 2, 2, 1], all);
    }
}
