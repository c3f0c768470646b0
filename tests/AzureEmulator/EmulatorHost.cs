using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using AzureEmulator.Admin;
using AzureEmulator.Arm;
using AzureEmulator.Faults;
using AzureEmulator.Graph;
using AzureEmulator.Http;
using AzureEmulator.State;
using AzureEmulator.Synapse;
using AzureEmulator.Tds;
using AzureEmulator.Tokens;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace AzureEmulator;

/// <summary>How to start an emulator: the scenario, the TLS certificate, the port (0 = any free one) and Azurite's blob URL.</summary>
/// <param name="SqlPort">The TDS listener's port: 0 = any free one, -1 = no SQL endpoint.</param>
public sealed record EmulatorOptions(Scenario Scenario, X509Certificate2 Certificate, int Port = 0, Uri? AzuriteBlob = null, TimeProvider? Clock = null, int SqlPort = 0)
{
    /// <summary>When set (with <see cref="AzuriteBlob"/>), a fault-injecting proxy to Azurite listens on this port too (0 = any free one, read from <see cref="EmulatorContext.StorageProxy"/> after the start).</summary>
    public int? StorageProxyPort { get; init; }
}

/// <summary>A running emulator on https://127.0.0.1:port. Dispose to stop it.</summary>
public sealed class EmulatorHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorHost(WebApplication app, EmulatorContext context)
    {
        _app = app;
        Context = context;
    }

    public EmulatorContext Context { get; }

    public Uri BaseUrl => Context.BaseUrl;

    public static async Task<EmulatorHost> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        Microsoft.AspNetCore.Server.Kestrel.Core.ListenOptions? proxyListen = null;
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(options.Certificate));
            if (options.StorageProxyPort is { } proxyPort)
            {
                k.Listen(IPAddress.Loopback, proxyPort, listen =>
                {
                    listen.UseHttps(options.Certificate);
                    proxyListen = listen;
                });
            }
        });
        var app = builder.Build();
        var context = new EmulatorContext(new EmulatorState(options.Scenario), new TokenValidator(options.Clock ?? TimeProvider.System), options.AzuriteBlob);
        if (options.SqlPort >= 0)
        {
            context.Sql = SqlEndpointServer.Start(options.Certificate, context.Tokens, options.SqlPort);
            if (options.AzuriteBlob is { } azurite)
            {
                context.Sql.Storage = global::AzureEmulator.Sql.ScenarioStorageAccess.Create(context.State, new global::AzureEmulator.Sql.AzuriteFileStore(azurite, options.Scenario.TenantId));
            }
            context.Sql.Firewall = client => context.State.Read(s => Synapse.WorkspaceFirewall.RefuseSql(s, client));
            context.Sql.Rights = login => context.State.Read(s => Tds.SqlPermissions.For(s, login));
        }

        if (options.StorageProxyPort is { } port)
        {
            context.StorageProxy = new StorageProxy(options.AzuriteBlob ?? throw new ArgumentException("A storage proxy needs Azurite's blob URL."), port)
            {
                Admits = (account, client) => context.State.Read(s => Storage.StorageNetworkRules.Admits(s, account, client)),
            };
        }

        var admin = new AdminApi(context);
        var graph = new GraphApi(context);
        var synapse = new SynapseApi(context);
        var arm = new ArmRouter(context);
        app.Run(ctx => context.StorageProxy is { } proxy && ctx.Connection.LocalPort == proxy.Port
            ? proxy.HandleAsync(ctx)
            : Dispatch(ctx, context, admin, graph, synapse, arm));
        await app.StartAsync(cancellationToken);
        if (context.StorageProxy is { } started && proxyListen?.IPEndPoint is { } bound)
        {
            // Kestrel puts the bound endpoint on the listen options: the port it chose when asked for 0.
            started.Port = bound.Port;
        }

        var proxyPort = context.StorageProxy?.Port;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First(a => proxyPort is null || new Uri(a.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal)).Port != proxyPort);
        context.BaseUrl = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return new EmulatorHost(app, context);
    }

    /// <summary>The serverless SQL endpoint (<c>127.0.0.1,port</c>), or null when started without one.</summary>
    public SqlEndpointServer? Sql => Context.Sql;

    public async ValueTask DisposeAsync()
    {
        if (Context.Sql is { } sql)
        {
            await sql.DisposeAsync();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
        Context.StorageProxy?.Dispose();
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    private static async Task Dispatch(HttpContext ctx, EmulatorContext emu, AdminApi admin, GraphApi graph, SynapseApi synapse, ArmRouter arm)
    {
        if (admin.Match(ctx) is { } adminRoute)
        {
            Reply reply;
            try
            {
                reply = await adminRoute.Handle(ctx);
            }
            catch (Exception ex) when (ex is JsonException or InvalidDataException)
            {
                reply = Reply.Error(400, "InvalidAdminRequest", ex.Message);
            }

            await reply.WriteAsync(ctx);
            return;
        }

        var route = graph.Match(ctx) ?? synapse.Match(ctx) ?? arm.Match(ctx);
        var name = route?.Name ?? $"{ctx.Request.Method} unmatched";
        var started = DateTimeOffset.UtcNow;
        var status = 0;
        string? fault = null;
        string? requestBody = null;
        string? responseBody = null;
        try
        {
            if (ctx.Request.ContentLength > 0 || ctx.Request.Headers.ContainsKey("Transfer-Encoding"))
            {
                ctx.Request.EnableBuffering();
                using var reader = new StreamReader(ctx.Request.Body, leaveOpen: true);
                requestBody = await reader.ReadToEndAsync(ctx.RequestAborted);
                ctx.Request.Body.Position = 0;
            }

            var latency = emu.Faults.LatencyFor(name, ctx.Request.Path.Value!);
            if (latency > TimeSpan.Zero)
            {
                await Task.Delay(latency, ctx.RequestAborted);
            }

            fault = emu.Faults.Decide(name, ctx.Request.Path.Value!);
            if (fault == "drop")
            {
                ctx.Abort();
                return;
            }

            var reply = fault is not null
                ? emu.Faults.FaultReply(fault)
                : route is not null
                    ? await route.Handle(ctx)
                    : Reply.Error(404, "NotFound", $"No HTTP resource was found that matches the request URI '{ctx.Request.Path}'.");
            status = reply.Status;
            responseBody = reply.Body?.ToJsonString();
            await reply.WriteAsync(ctx);
        }
        finally
        {
            emu.Requests.Add(new RequestEntry(ctx.Request.Method, name, ctx.Request.Path.Value!, status, started, DateTimeOffset.UtcNow, fault, ctx.Request.QueryString.Value ?? string.Empty, requestBody, responseBody));
        }
    }
}
