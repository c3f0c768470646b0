using System.Text.Json;
using System.Text.Json.Nodes;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Tds;

namespace AzureEmulator.Admin;

/// <summary>
/// /_admin/sql: the SQL endpoint's address, catalog (databases, master keys, credentials, data sources, schemas, views
/// with columns: dbo's as views, other schemas' as otherViews), batch log (per database), faults and latency, and a reset.
/// </summary>
internal sealed class SqlAdminApi(EmulatorContext emu)
{
    public EmulatorRoute? Match(string method, string[] segments)
    {
        if (segments.Length == 0 || segments[0] != "sql")
        {
            return null;
        }

        if (emu.Sql is not { } sql)
        {
            return Route(_ => Task.FromResult(Reply.Error(404, "SqlEndpointNotStarted", "The emulator was started without a SQL endpoint.")));
        }

        var what = segments.Length > 1 ? segments[1] : string.Empty;
        return (method, what) switch
        {
            ("GET", "") => Route(_ => Task.FromResult(Reply.Ok(Summary(sql)))),
            ("DELETE", "") => Route(_ =>
            {
                sql.Reset();
                return Task.FromResult(Reply.NoContent());
            }),
            ("GET", "catalog") => Route(_ => Task.FromResult(Reply.Ok(Catalog(sql)))),
            ("PUT", "lakedatabases") when segments.Length == 3 => Route(_ =>
            {
                sql.Catalog.Write(c => c.Database(segments[2]) is null ? c.AddLakeDatabase(segments[2]) : null);
                return Task.FromResult(Reply.NoContent());
            }),
            ("GET", "batches") => Route(c => Task.FromResult(Reply.Ok(Batches(sql, c.Request.Query["database"].ToString())))),
            ("DELETE", "batches") => Route(_ =>
            {
                sql.Catalog.ClearBatches();
                return Task.FromResult(Reply.NoContent());
            }),
            ("GET", "faults") => Route(_ => Task.FromResult(Reply.Ok(Faults(sql)))),
            ("PUT", "faults") => Route(async c =>
            {
                try
                {
                    sql.Faults.Configure(JsonSerializer.Deserialize<SqlFaultSettings>(await ReadText(c), Scenario.Json) ?? throw new JsonException("The request body is empty."));
                }
                catch (ArgumentException ex)
                {
                    return Reply.Error(400, "InvalidFaultSettings", ex.Message);
                }

                return Reply.Ok(Faults(sql));
            }),
            ("DELETE", "faults") => Route(_ =>
            {
                sql.Faults.Configure(null);
                return Task.FromResult(Reply.NoContent());
            }),
            ("PUT", "latency") => Route(async c =>
            {
                var body = JsonNode.Parse(await ReadText(c));
                var ms = body?["milliseconds"]?.GetValue<double>() ?? 0;
                if (ms < 0)
                {
                    return Reply.Error(400, "InvalidLatency", "milliseconds must not be negative.");
                }

                sql.Faults.SetLatency(TimeSpan.FromMilliseconds(ms), body?["match"]?.GetValue<string>());
                return Reply.Ok(Faults(sql));
            }),
            _ => null,
        };
    }

    private static JsonObject Summary(SqlEndpointServer sql) => new()
    {
        ["endpoint"] = sql.Endpoint,
        ["host"] = "127.0.0.1",
        ["port"] = sql.Port,
        ["logins"] = sql.Logins,
        ["lastFedAuthWorkflow"] = sql.LastFedAuthWorkflow,
        ["batchesWaiting"] = sql.BatchesWaiting,
        ["faults"] = Faults(sql),
    };

    private static JsonObject Faults(SqlEndpointServer sql) => new()
    {
        ["settings"] = sql.Faults.Settings is { } s ? Reply.ToNode(s) : null,
        ["remaining"] = sql.Faults.Remaining,
        ["injected"] = sql.Faults.Injected,
        ["latencyMilliseconds"] = sql.Faults.Latency.TotalMilliseconds,
        ["latencyMatch"] = sql.Faults.LatencyMatch,
    };

    /// <summary>Views in dbo, where exports put theirs; <c>otherViews</c> holds the rest (such as an export's owner marker).</summary>
    private static bool InDbo(SqlView view) => string.Equals(view.Schema, "dbo", StringComparison.OrdinalIgnoreCase);

    private static JsonObject Catalog(SqlEndpointServer sql) => sql.Catalog.Read(c => new JsonObject
    {
        ["databases"] = new JsonArray([.. c.Databases.OrderBy(d => d.Id).Select(d => (JsonNode)new JsonObject
        {
            ["name"] = d.Name,
            ["id"] = d.Id,
            ["collation"] = d.Collation,
            ["hasMasterKey"] = d.HasMasterKey,
            ["isReplicated"] = d.IsReplicated,
            ["credentials"] = Reply.ToNode(d.Credentials.Values.OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
            ["roles"] = new JsonArray([.. d.Roles.Values.OrderBy(r => r.Name, StringComparer.OrdinalIgnoreCase).Select(r => (JsonNode)new JsonObject { ["name"] = r.Name, ["grants"] = new JsonArray([.. r.Grants.Select(g => (JsonNode)JsonValue.Create(g))]), ["members"] = new JsonArray([.. r.Members.Select(m => (JsonNode)JsonValue.Create(m))]) })]),
            ["users"] = new JsonArray([.. d.Users.Values.OrderBy(u => u.Name, StringComparer.OrdinalIgnoreCase).Select(u => (JsonNode)new JsonObject { ["name"] = u.Name, ["objectId"] = u.ObjectId, ["grants"] = new JsonArray([.. u.Grants.Select(g => (JsonNode)JsonValue.Create(g))]) })]),
            ["dataSources"] = Reply.ToNode(d.DataSources.Values.OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
            ["views"] = Reply.ToNode(d.Views.Values.Where(InDbo).OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
            ["otherViews"] = Reply.ToNode(d.Views.Values.Where(v => !InDbo(v)).OrderBy(x => x.Schema + "." + x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
            ["schemas"] = new JsonArray([.. d.Schemas.Order(StringComparer.OrdinalIgnoreCase).Select(x => (JsonNode)x)]),
            ["externalFileFormats"] = Reply.ToNode(d.ExternalFileFormats.Values.OrderBy(x => x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
            ["externalTables"] = Reply.ToNode(d.ExternalTables.Values.OrderBy(x => x.Schema + "." + x.Name, StringComparer.OrdinalIgnoreCase).ToList()),
        })]),
    });

    private static JsonObject Batches(SqlEndpointServer sql, string database) => sql.Catalog.Read(c =>
    {
        var batches = c.Batches.Where(b => database.Length == 0 || string.Equals(b.Database, database, StringComparison.OrdinalIgnoreCase)).ToList();
        return new JsonObject { ["count"] = batches.Count, ["batches"] = Reply.ToNode(batches) };
    });

    private static EmulatorRoute Route(Func<HttpContext, Task<Reply>> handler) => new("admin", handler);

    private static async Task<string> ReadText(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }
}
