using System.Text.Json;
using System.Text.Json.Nodes;
using AzureEmulator.Faults;
using AzureEmulator.Http;
using AzureEmulator.State;

namespace AzureEmulator.Admin;

/// <summary>
/// Test control under /_admin: read or replace the scenario, add or remove assignments, read request counts
/// and timings, set latency, faults and page size. Not counted, delayed or faulted itself.
/// </summary>
public sealed class AdminApi(EmulatorContext emu)
{
    private readonly SqlAdminApi _sql = new(emu);

    public const string Prefix = "/_admin";

    public EmulatorRoute? Match(HttpContext ctx)
    {
        var path = ctx.Request.Path.Value!;
        if (!path.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var seg = path[Prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(s => s.ToLowerInvariant()).ToArray();
        var raw = path[Prefix.Length..].Split('/', StringSplitOptions.RemoveEmptyEntries);
        var method = ctx.Request.Method.ToUpperInvariant();
        if (_sql.Match(method, seg) is { } sqlRoute)
        {
            return sqlRoute;
        }

        return (method, string.Join('/', seg.Take(1)), seg.Length) switch
        {
            ("GET", "health", 1) => Admin(_ => Task.FromResult(Reply.Ok(new JsonObject { ["status"] = "ready" }))),
            ("GET", "state", 1) => Admin(_ => Task.FromResult(Reply.Ok(JsonNode.Parse(emu.State.ToJson())!))),
            ("PUT", "state", 1) => Admin(async c =>
            {
                emu.State.Replace(Scenario.Parse(await ReadText(c)));
                return Reply.Ok(JsonNode.Parse(emu.State.ToJson())!);
            }),
            ("POST", "roleassignments", 1) => Admin(async c =>
            {
                var a = Deserialize<RoleAssignment>(await ReadText(c));
                return Reply.Created(Reply.ToNode(emu.State.Write(s =>
                {
                    EmulatorState.Complete(s, a);
                    s.RoleAssignments.Add(a);
                    return a;
                })));
            }),
            ("DELETE", "roleassignments", 2) => Admin(_ => Task.FromResult(emu.State.Write(s =>
                s.RoleAssignments.RemoveAll(a => a.Name!.Equals(raw[1], StringComparison.OrdinalIgnoreCase)) > 0 ? new Reply(200) : Reply.NoContent()))),
            ("POST", "denyassignments", 1) => Admin(async c =>
            {
                var d = Deserialize<DenyAssignment>(await ReadText(c));
                d.Id ??= Scopes.StableGuid(d.Scope + "|" + d.DenyAssignmentName);
                emu.State.Write(s =>
                {
                    s.DenyAssignments.Add(d);
                    return d;
                });
                return Reply.Created(Reply.ToNode(d));
            }),
            ("DELETE", "denyassignments", 2) => Admin(_ => Task.FromResult(emu.State.Write(s =>
                s.DenyAssignments.RemoveAll(d => d.Id!.Equals(raw[1], StringComparison.OrdinalIgnoreCase)) > 0 ? new Reply(200) : Reply.NoContent()))),
            ("POST", "workspaces", 3) when seg[2] == "roleassignments" => Admin(async c =>
            {
                var a = Deserialize<SynapseRoleAssignment>(await ReadText(c));
                return emu.State.Write(s =>
                {
                    var ws = s.SynapseWorkspaces.FirstOrDefault(w => w.Name.Equals(raw[1], StringComparison.OrdinalIgnoreCase));
                    if (ws is null)
                    {
                        return Reply.Error(404, "WorkspaceNotFound", $"No workspace '{raw[1]}' in the scenario.");
                    }

                    ws.RoleAssignments.Add(a);
                    var prepared = EmulatorState.Prepare(s);
                    var completed = prepared.SynapseWorkspaces.First(w => w.Name == ws.Name).RoleAssignments[^1];
                    ws.RoleAssignments[^1] = completed;
                    return Reply.Created(Reply.ToNode(completed));
                });
            }),
            ("DELETE", "workspaces", 4) when seg[2] == "roleassignments" => Admin(_ => Task.FromResult(emu.State.Write(s =>
            {
                var ws = s.SynapseWorkspaces.FirstOrDefault(w => w.Name.Equals(raw[1], StringComparison.OrdinalIgnoreCase));
                return ws is not null && ws.RoleAssignments.RemoveAll(a => a.Id!.Equals(raw[3], StringComparison.OrdinalIgnoreCase)) > 0 ? new Reply(200) : Reply.NoContent();
            }))),
            ("GET", "requests", 1) => Admin(_ => Task.FromResult(Reply.Ok(RequestsJson()))),
            ("DELETE", "requests", 1) => Admin(_ =>
            {
                emu.Requests.Clear();
                return Task.FromResult(Reply.NoContent());
            }),
            ("PUT", "latency", 1) => Admin(async c =>
            {
                var body = JsonNode.Parse(await ReadText(c));
                emu.Faults.Latency = TimeSpan.FromMilliseconds(body?["milliseconds"]?.GetValue<double>() ?? 0);
                emu.Faults.LatencyMatch = body?["match"]?.GetValue<string>();
                return Reply.Ok(new JsonObject { ["milliseconds"] = emu.Faults.Latency.TotalMilliseconds, ["match"] = emu.Faults.LatencyMatch });
            }),
            ("GET", "faults", 1) => Admin(_ => Task.FromResult(Reply.Ok(FaultsJson()))),
            ("PUT", "faults", 1) => Admin(async c =>
            {
                try
                {
                    emu.Faults.Configure(Deserialize<FaultSettings>(await ReadText(c)));
                }
                catch (ArgumentException ex)
                {
                    return Reply.Error(400, "InvalidFaultSettings", ex.Message);
                }

                return Reply.Ok(FaultsJson());
            }),
            ("DELETE", "faults", 1) => Admin(_ =>
            {
                emu.Faults.Configure(null);
                return Task.FromResult(Reply.NoContent());
            }),
            ("GET", "storagefaults", 1) => Admin(_ => Task.FromResult(StorageFaultsReply())),
            ("PUT", "storagefaults", 1) => Admin(async c =>
            {
                if (emu.StorageProxy is null)
                {
                    return Reply.Error(409, "NoStorageProxy", "The emulator was started without --storage-proxy-port.");
                }

                try
                {
                    emu.StorageProxy.Configure(Deserialize<StorageFaultSettings>(await ReadText(c)));
                }
                catch (ArgumentException ex)
                {
                    return Reply.Error(400, "InvalidFaultSettings", ex.Message);
                }

                return StorageFaultsReply();
            }),
            ("DELETE", "storagefaults", 1) => Admin(_ =>
            {
                emu.StorageProxy?.Configure(null);
                return Task.FromResult(Reply.NoContent());
            }),
            ("PUT", "options", 1) => Admin(async c =>
            {
                var options = Deserialize<ScenarioOptions>(await ReadText(c));
                if (options.PageSize < 1)
                {
                    return Reply.Error(400, "InvalidOptions", "pageSize must be at least 1.");
                }

                emu.State.Write(s => s.Options = options);
                return Reply.Ok(Reply.ToNode(options));
            }),
            _ => new EmulatorRoute("admin", _ => Task.FromResult(Reply.Error(404, "NotFound", $"No admin operation {method} {path}."))),
        };
    }

    private JsonObject RequestsJson()
    {
        var entries = emu.Requests.Snapshot();
        var counts = new JsonObject();
        foreach (var (route, count) in emu.Requests.CountsByRoute())
        {
            counts[route] = count;
        }

        return new JsonObject
        {
            ["total"] = entries.Count,
            ["counts"] = counts,
            ["entries"] = Reply.ToNode(entries),
        };
    }

    private Reply StorageFaultsReply()
    {
        if (emu.StorageProxy is not { } proxy)
        {
            return Reply.Error(409, "NoStorageProxy", "The emulator was started without --storage-proxy-port.");
        }

        var counts = new JsonObject();
        foreach (var (outcome, count) in proxy.Counts)
        {
            counts[JsonNamingPolicy.CamelCase.ConvertName(outcome.ToString())] = count;
        }

        return Reply.Ok(new JsonObject
        {
            ["target"] = proxy.Target.AbsoluteUri,
            ["settings"] = proxy.Settings is null ? null : Reply.ToNode(proxy.Settings),
            ["counts"] = counts,
            ["pacedBytes"] = proxy.PacedBytes,
        });
    }

    private JsonObject FaultsJson() => new()
    {
        ["settings"] = emu.Faults.Settings is null ? null : Reply.ToNode(emu.Faults.Settings),
        ["injected"] = emu.Faults.Injected,
        ["latencyMilliseconds"] = emu.Faults.Latency.TotalMilliseconds,
    };

    private static EmulatorRoute Admin(Func<HttpContext, Task<Reply>> handler) => new("admin", handler);

    private static async Task<string> ReadText(HttpContext ctx)
    {
        using var reader = new StreamReader(ctx.Request.Body);
        return await reader.ReadToEndAsync(ctx.RequestAborted);
    }

    private static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Scenario.Json) ?? throw new JsonException("The request body is empty.");
}
